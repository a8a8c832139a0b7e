using System.Runtime.InteropServices;

namespace Suture.Cli;

/// <summary>
/// A SIGINT or SIGTERM that arrived while the native binary was starting, before <c>Main</c>
/// installed <see cref="Interruption"/>: recorded by a constructor linked into the NativeAOT binary
/// (<c>Native/early_signals.c</c>), so such a signal ends suture with 130 instead of killing it.
/// The managed build the tests run has no such constructor (PublishAot's feature switches are
/// set there too, so only the missing library tells the two apart).
/// </summary>
internal static partial class EarlySignals
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    /// <summary>"SIGINT" or "SIGTERM" if one came before <c>Main</c> took over, else null.</summary>
    public static string? Received()
    {
        int signal;
        try
        {
            signal = suture_early_signal();
        }
        catch (DllNotFoundException)
        {
            return null; // the managed build (tests): the constructor is not linked in
        }

        return signal switch
        {
            SigInt => "SIGINT",
            SigTerm => "SIGTERM",
            _ => null,
        };
    }

    [LibraryImport("suture_early")]
    private static partial int suture_early_signal();
}
