using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Suture.Cli;

/// <summary>
/// A SIGINT or SIGTERM that arrived while the native binary was starting, before <c>Main</c>
/// installed <see cref="Interruption"/>: recorded by a constructor linked into the NativeAOT binary
/// (<c>Native/early_signals.c</c>), so such a signal ends suture with 130 instead of killing it.
/// Under the JIT (tests run the managed build) there is no such constructor and nothing to ask.
/// </summary>
internal static partial class EarlySignals
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    /// <summary>"SIGINT" or "SIGTERM" if one came before <c>Main</c> took over, else null.</summary>
    public static string? Received()
    {
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            return null; // not the native binary: the constructor is not linked in
        }

        return suture_early_signal() switch
        {
            SigInt => "SIGINT",
            SigTerm => "SIGTERM",
            _ => null,
        };
    }

    [LibraryImport("suture_early")]
    private static partial int suture_early_signal();
}
