using System.CommandLine;
using System.CommandLine.Invocation;
using Suture.Cli.Commands;
using Suture.Cli.Output;

namespace Suture.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Interruption.Install(); // first: from here on SIGINT/SIGTERM never kill suture while it holds a process
        Process.Tracing.TracingWarnings.Raised += message => Console.Error.WriteLine($"warning: {message}");
        var root = new RootCommand("Suture: live patching for Linux. Builds patches from source fixes and applies them to running processes.");
        root.Options.Add(CommonOptions.Verbose);
        root.Subcommands.Add(BuildCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(ApplyCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(RevertCommand.Create());
        root.Subcommands.Add(GcCommand.Create());
        root.Subcommands.Add(KeyCommand.Create());
        root.Subcommands.Add(SignCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        ParseResult parsed = root.Parse(args);
        return parsed.Errors.Count > 0 && parsed.Action is ParseErrorAction ? ReportParseErrors(parsed) : parsed.Invoke();
    }

    /// <summary>
    /// A bad command line is exit 2 (README), one line naming every problem and where to look,
    /// instead of System.CommandLine's exit 1 with the whole help text.
    /// </summary>
    private static int ReportParseErrors(ParseResult parsed)
    {
        bool atRoot = parsed.CommandResult == parsed.RootCommandResult;
        string command = atRoot ? "suture" : $"suture {parsed.CommandResult.Command.Name}";
        string problems = atRoot && parsed.UnmatchedTokens.Count > 0
            ? $"unknown command '{parsed.UnmatchedTokens[0]}'; the commands are {string.Join(", ", parsed.RootCommandResult.Command.Subcommands.Select(c => c.Name))}"
            : string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')));
        problems = Printable.Text(problems);
        Console.Error.WriteLine($"error: {problems} (see '{command} --help')");
        return (int)ExitCode.Usage;
    }
}
