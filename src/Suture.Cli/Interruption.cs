using System.Runtime.InteropServices;

namespace Suture.Cli;

/// <summary>
/// SIGINT and SIGTERM for the whole run, caught from the first line of <c>Main</c>. While work
/// that may stop or change a process runs (<see cref="Guard{T}"/>), and afterwards while its
/// outcome is reported, a signal only cancels it: the operation backs out if it has not reached
/// its commit point, or finishes if it has, and the process is resumed either way. Before any
/// such work started nothing is held or changed, so suture exits at once with 130 (a patch file
/// that is a FIFO, a slow disk: the signal is answered).
/// </summary>
internal static class Interruption
{
    private static readonly Lock Gate = new();
    private static readonly CancellationTokenSource Cancellation = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];
    private static bool s_engaged;
    private static bool s_exiting;

    /// <summary>Signalled when SIGINT or SIGTERM arrives during guarded work.</summary>
    public static CancellationToken Token => Cancellation.Token;

    /// <summary>The signal that arrived ("SIGINT", "SIGTERM"), or null.</summary>
    public static string? Signal { get; private set; }

    public static void Install()
    {
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which may stop or change a process; a signal meanwhile
    /// cancels <see cref="Token"/> instead of ending suture.
    /// </summary>
    public static T Guard<T>(Func<T> work)
    {
        lock (Gate)
        {
            if (s_exiting || Cancellation.IsCancellationRequested)
            {
                throw new SutureException($"interrupted by {Signal ?? "a signal"} before any process was touched", ExitCode.Interrupted);
            }

            s_engaged = true;
        }

        return work();
    }

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // never die by the signal: a process could be stopped right now
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        lock (Gate)
        {
            Signal ??= name;
            if (s_engaged)
            {
                Cancellation.Cancel();
                return;
            }

            s_exiting = true;
        }

        Console.Error.WriteLine($"error: interrupted by {name} before any process was touched");
        Environment.Exit((int)ExitCode.Interrupted);
    }
}
