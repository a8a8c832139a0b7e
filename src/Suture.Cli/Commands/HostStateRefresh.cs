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
    /// <summary>
    /// Runs an operation, then refreshes the state when it may have changed a process: when it
    /// returns (success, or some processes of -p all), or is interrupted part-way. Other failures
    /// leave every process as it was.
    /// </summary>
    public static T After<T>(Func<T> operation)
    {
        T result;
        try
        {
            result = operation();
        }
        catch (SutureException e) when (e.ExitCode == ExitCode.Interrupted)
        {
            Run();
            throw;
        }

        Run();
        return result;
    }

    public static HostState? Run()
    {
        try
        {
            HostState state = HostState.Collect();
            HostStateWriter.Write(state);
            return state;
        }
        catch (SutureException e)
        {
            Console.Error.WriteLine($"warning: host state not updated: {Printable.Text(e.Message)}");
            return null;
        }
    }
}
