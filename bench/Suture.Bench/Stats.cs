namespace Suture.Bench;

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        double[] v = [.. values.OrderBy(x => x)];
        if (v.Length == 0)
        {
            return double.NaN;
        }

        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }
}
