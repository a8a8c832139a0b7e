using Suture.Cli.Output;
using Suture.Patching.Host;

namespace Suture.Cli.Commands;

/// <summary>
/// Brings the host state directory (docs/scanners.md) up to date after apply and revert, from
/// what the processes run. A failure to write it is a warning: the processes were changed as
/// reported, and the next apply, revert or <c>status --all</c> writes it again.
/// </summary>
internal static class HostStateRefresh
{
    private const int Attempts = 3;

    /// <summary>
    /// Runs an operation, then refreshes the state when it may have changed a process: when it
    /// returns (success, or some processes of -p all), or is interrupted part-way. Other failures
    /// leave every process as it was.
    /// </summary>
    public static T After<T>(IConsole console, Func<T> operation) => After(console, null, operation);

    /// <inheritdoc cref="After{T}(IConsole, Func{T})"/>
    /// <param name="changed">
    /// The processes the operation may change: only they (and processes started or remapped
    /// since the last refresh) are read again (<see cref="HostState.Update"/>); null reads the
    /// whole host.
    /// </param>
    public static T After<T>(IConsole console, IReadOnlySet<int>? changed, Func<T> operation)
    {
        T result;
        try
        {
            result = operation();
        }
        catch (SutureException e) when (e.ExitCode == ExitCode.Interrupted)
        {
            Run(console, changed);
            throw;
        }

        Run(console, changed);
        return result;
    }

    /// <summary>
    /// Collects and writes the state; a process that exits during the scan (its /proc files
    /// vanish) makes it scan again, up to <see cref="Attempts"/> times. Never throws: the
    /// operation before it has taken effect.
    /// </summary>
    public static HostState? Run(IConsole console, IReadOnlySet<int>? changed) =>
        Run(console, () => changed is null ? HostState.Collect(ScanCache.Read(HostStateWriter.Directory)?.Owners) : HostState.Update(changed, HostStateWriter.Directory));

    /// <summary>Writes a state collected by <paramref name="collect"/>, as <see cref="Run(IConsole, IReadOnlySet{int}?)"/> does.</summary>
    public static HostState? Run(IConsole console, Func<HostState> collect)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                HostState state = collect();
                HostStateWriter.Write(state);
                return state;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && attempt < Attempts)
            {
                // a process exited while it was read; scan again
            }
#pragma warning disable CA1031 // the state is a report: whatever goes wrong, the apply or revert stands
            catch (Exception e)
#pragma warning restore CA1031
            {
                console.Error.WriteLine($"warning: host state not updated: {Printable.Text(e.Message)}; 'suture status --all' writes it again");
                return null;
            }
        }
    }
}
