using System.CommandLine;
using Suture.Cli.Commands;

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
        return root.Parse(args).Invoke();
    }
}
