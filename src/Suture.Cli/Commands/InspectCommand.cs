using System.CommandLine;
using Suture.Cli.Output;
using Suture.Patching.Engine.Operations;

namespace Suture.Cli.Commands;

/// <summary><c>suture inspect</c>: what a patch file contains.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("patch") { Description = "Patch file" };
        Option<bool> json = CommonOptions.Json();
        var command = new Command("inspect", "Show a patch file's target Build ID, metadata and functions") { file, json };
        command.SetAction(result => CommandRunner.Run(result, _ =>
        {
            PatchDocument document = PatchDocument.Load(result.GetValue(file)!);
            if (result.GetValue(json))
            {
                JsonOutput.WritePatch(Console.OpenStandardOutput(), document);
            }
            else
            {
                TextOutput.WritePatch(Console.Out, document);
            }

            return 0;
        }));
        return command;
    }
}
