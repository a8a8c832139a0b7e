using System.CommandLine;
using Suture.Cli.Output;
using Suture.Format;
using Suture.Patching.Engine.Operations;

namespace Suture.Cli.Commands;

/// <summary><c>suture inspect</c>: what a patch file contains.</summary>
internal static class InspectCommand
{
    public static Command Create(IConsole console)
    {
        var file = new Argument<string>("patch") { Description = "Patch file" };
        Option<bool> json = CommonOptions.Json();
        var command = new Command("inspect", "Show a patch file's target Build ID, metadata and functions") { file, json };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            PatchDocument document = PatchDocument.Load(result.GetValue(file)!);
            if (result.GetValue(json))
            {
                using Stream stdout = console.OpenStandardOutput();
                JsonOutput.WritePatch(stdout, document);
            }
            else
            {
                TextOutput.WritePatch(console.Out, document);
            }

            return 0;
        }));
        return command;
    }
}
