namespace Suture.TestSupport;

/// <summary>
/// Where the suture binary built beside the tests is. Its own type, without a static constructor,
/// so <see cref="TestKeys"/> can run it while <see cref="SutureCli"/>'s static constructor (which
/// asks <see cref="TestKeys"/> for the trust directory) is still running, in either order.
/// </summary>
public static class SutureBinary
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "suture");
}
