using System.CommandLine;
using Suture.Cli.Commands;

namespace Suture.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
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
