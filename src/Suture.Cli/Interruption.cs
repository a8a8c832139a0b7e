using System.Runtime.InteropServices;

namespace Suture.Cli;

/// <summary>
/// SIGINT and SIGTERM for the whole run, caught from the first line of <c>Main</c>
/// (<see cref="Install"/>). While work that may stop or change a process runs
/// (<see cref="Guard{T}"/>), and afterwards while its outcome is reported, a signal only cancels
/// it: the operation backs out if it has not reached its commit point, or finishes if it has, and
/// the process is resumed either way. Before any such work started nothing is held or changed, so
/// suture exits at once with 130 (a patch file that is a FIFO, a slow disk: the signal is answered).
/// One instance per run, owned by its <see cref="IConsole"/>; a console that never installs it
/// (tests in process) just never sees a signal.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TextWriter _error;
    private readonly Action<int> _exit;
    private bool _engaged;
    private bool _exiting;

    /// <param name="error">Where the one line for a signal before any guarded work goes.</param>
    /// <param name="exit">Ends the run with an exit code (<see cref="Environment.Exit"/>).</param>
    public Interruption(TextWriter error, Action<int> exit)
    {
        _error = error;
        _exit = exit;
    }

    /// <summary>Signalled when SIGINT or SIGTERM arrives during guarded work.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>The signal that arrived ("SIGINT", "SIGTERM"), or null.</summary>
    public string? Signal { get; private set; }

    /// <summary>Catches SIGINT and SIGTERM from now on, for the rest of the process (its own console only).</summary>
    public void Install()
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which may stop or change a process; a signal meanwhile
    /// cancels <see cref="Token"/> instead of ending suture.
    /// </summary>
    public T Guard<T>(Func<T> work)
    {
        lock (_gate)
        {
            if (_exiting || _cancellation.IsCancellationRequested)
            {
                throw new SutureException($"interrupted by {Signal ?? "a signal"} before any process was touched", ExitCode.Interrupted);
            }

            _engaged = true;
        }

        return work();
    }

    /// <summary>Stops catching the signals (once the run's outcome is reported).</summary>
    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _registrations.Clear();
        _cancellation.Dispose();
    }

    /// <summary>
    /// Answers a signal that arrived before <see cref="Install"/> (<see cref="EarlySignals"/>): the
    /// same as one arriving now, so before any guarded work suture exits 130.
    /// </summary>
    public void Deliver(string name) => Arrived(name);

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // never die by the signal: a process could be stopped right now
        Arrived(context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM");
    }

    private void Arrived(string name)
    {
        lock (_gate)
        {
            Signal ??= name;
            if (_engaged)
            {
                _cancellation.Cancel();
                return;
            }

            _exiting = true;
        }

        _error.WriteLine($"error: interrupted by {name} before any process was touched");
        _exit((int)ExitCode.Interrupted);
    }
}
