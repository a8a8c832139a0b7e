using System.CommandLine;
using Suture.Cli.Output;
using Suture.Patching.Engine;

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
            string path = result.GetValue(file)!;
            PatchDocument document = PatchDocument.Load(path);
            Trust.PatchSignature? signature = Trust.PatchVerifier.Claimed(Format.PatchFileReader.ReadFile(path), path);
            if (result.GetValue(json))
            {
                JsonOutput.WritePatch(Console.OpenStandardOutput(), document, signature);
            }
            else
            {
                TextOutput.WritePatch(Console.Out, document, signature);
            }

            return 0;
        }));
        return command;
    }
}
