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
            string path = result.GetValue(file)!;
            PatchDocument document = PatchDocument.Load(path);
            Trust.PatchSignature? signature = Trust.PatchVerifier.Claimed(document);
            if (result.GetValue(json))
            {
                using Stream stdout = console.OpenStandardOutput();
                JsonOutput.WritePatch(stdout, document, signature);
            }
            else
            {
                TextOutput.WritePatch(console.Out, document, signature);
            }

            return 0;
        }));
        return command;
    }
}
