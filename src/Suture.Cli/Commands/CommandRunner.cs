using System.CommandLine;

namespace Suture.Cli.Commands;

/// <summary>
/// Runs a command body and turns anticipated failures into one line on stderr and the exit code
/// they carry. SIGINT and SIGTERM request cancellation (<see cref="Interruption"/>) instead of
/// killing suture, so a target that is stopped is always resumed first. Everything goes to the
/// run's <see cref="IConsole"/>.
/// </summary>
internal static class CommandRunner
{
    /// <param name="multiLine">
    /// Whether a message may keep its line breaks (build's list of refusals, from the user's own
    /// tree); otherwise every control character in it is escaped (<see cref="Output.Printable"/>),
    /// since it may quote a patch file's or a process's strings.
    /// </param>
    /// <param name="serviceLoop">The body is a service (<c>agent run</c>) that SIGTERM ends by design: no note that the signal came late.</param>
    public static int Run(IConsole console, ParseResult result, Func<CancellationToken, int> body, bool multiLine = false, bool serviceLoop = false)
    {
        try
        {
            Interruption interruption = console.Interruption;
            int code = body(interruption.Token);
            if (interruption.Token.IsCancellationRequested && !serviceLoop)
            {
                // The signal came after the commit point: the change was made and is reported as such.
                console.Error.WriteLine($"suture: {interruption.Signal} arrived after the operation had taken effect; it was completed as reported above and not undone");
            }

            return code;
        }
        catch (SutureException e)
        {
            console.Error.WriteLine($"error: {Show(e.Message)}");
            if (result.GetValue(CommonOptions.Verbose))
            {
                console.Error.WriteLine(e);
            }

            return (int)e.ExitCode;
        }
#pragma warning disable CA1031 // the one place that reports unexpected failures
        catch (Exception e)
#pragma warning restore CA1031
        {
            console.Error.WriteLine($"error: internal failure: {Show(e.Message)} (run with --verbose for details and report it)");
            if (result.GetValue(CommonOptions.Verbose))
            {
                console.Error.WriteLine(e);
            }

            return (int)ExitCode.Failure;
        }

        string Show(string message) => multiLine
            ? string.Join('\n', message.Split('\n').Select(Output.Printable.Text))
            : Output.Printable.Text(message);
    }
}
