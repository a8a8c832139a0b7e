namespace Suture.Format;

/// <summary>
/// Caps on what a patch file may declare. Every count and length is checked against these and
/// against the bytes left before anything is allocated. Sizes are in bytes.
/// </summary>
public sealed class PatchReadLimits
{
    public static PatchReadLimits Default { get; } = new();

    public long MaxFileSize { get; init => field = NotNegative(value); } = 256L << 20;

    public long MaxCodeSize { get; init => field = NotNegative(value); } = 64L << 20;

    public long MaxDataSize { get; init => field = NotNegative(value); } = 64L << 20;

    public long MaxBssSize { get; init => field = NotNegative(value); } = 1L << 30;

    public int MaxFunctions { get; init => field = NotNegative(value); } = 100_000;

    public int MaxRelocations { get; init => field = NotNegative(value); } = 10_000_000;

    /// <summary>Longest string, in UTF-8 bytes.</summary>
    public int MaxStringLength { get; init => field = NotNegative(value); } = 64 << 10;

    public int MaxCves { get; init => field = NotNegative(value); } = 1_000;

    public int MaxOverrides { get; init => field = NotNegative(value); } = 1_000;

    public int MaxBuildIdLength { get; init => field = NotNegative(value); } = 64;

    private static T NotNegative<T>(T value)
        where T : System.Numerics.INumber<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}
