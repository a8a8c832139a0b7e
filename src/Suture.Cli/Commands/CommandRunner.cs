using System.CommandLine;
using System.Runtime.InteropServices;

namespace Suture.Cli.Commands;

/// <summary>
/// Runs a command body and turns anticipated failures into one line on stderr and the exit code
/// they carry. SIGINT and SIGTERM request cancellation instead of killing suture, so a target that
/// is stopped is always resumed first.
/// </summary>
internal static class CommandRunner
{
    public static int Run(ParseResult result, Func<CancellationToken, int> body)
    {
        using var cancellation = new CancellationTokenSource();
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        try
        {
            return body(cancellation.Token);
        }
        catch (SutureException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (result.GetValue(CommonOptions.Verbose))
            {
                Console.Error.WriteLine(e);
            }

            return (int)e.ExitCode;
        }
#pragma warning disable CA1031 // the one place that reports unexpected failures
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"error: internal failure: {e.Message} (run with --verbose for details and report it)");
            if (result.GetValue(CommonOptions.Verbose))
            {
                Console.Error.WriteLine(e);
            }

            return (int)ExitCode.Failure;
        }

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            cancellation.Cancel();
        }
    }
}
