using System.CommandLine;

namespace Suture.Cli.Commands;

/// <summary>
/// Runs a command body and turns anticipated failures into one line on stderr and the exit code
/// they carry. SIGINT and SIGTERM request cancellation (<see cref="Interruption"/>) instead of
/// killing suture, so a target that is stopped is always resumed first.
/// </summary>
internal static class CommandRunner
{
    public static int Run(ParseResult result, Func<CancellationToken, int> body)
    {
        try
        {
            int code = body(Interruption.Token);
            if (Interruption.Token.IsCancellationRequested)
            {
                // The signal came after the commit point: the change was made and is reported as such.
                Console.Error.WriteLine($"suture: {Interruption.Signal} arrived after the operation had taken effect; it was completed as reported above and not undone");
            }

            return code;
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
    }
}
