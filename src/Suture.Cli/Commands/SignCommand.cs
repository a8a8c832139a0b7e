using System.CommandLine;
using Suture.Cli.Output;
using Suture.Format;
using Suture.Trust;

namespace Suture.Cli.Commands;

/// <summary><c>suture sign</c>: add (or replace) the patch's signature section.</summary>
internal static class SignCommand
{
    public static Command Create(IConsole console)
    {
        var file = new Argument<string>("patch") { Description = "Patch file to sign (rewritten in place unless -o is given)" };
        var key = new Option<string>("--key") { Description = "Signing key, the NAME.key file 'suture key generate' wrote", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Write the signed patch here instead of replacing PATCH" };
        var command = new Command("sign", "Sign a patch file with a private key, so hosts that trust the key apply it") { file, key, output };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            string path = result.GetValue(file)!;
            string target = result.GetValue(output) ?? path;
            using SigningKey signing = SigningKey.Load(result.GetValue(key)!);
            byte[] signed = PatchSigning.Sign(PatchDocument.Load(path), signing);
            string temporary = target + ".signing";
            try
            {
                File.WriteAllBytes(temporary, signed);
                File.Move(temporary, target, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                File.Delete(temporary);
                throw new SutureException($"cannot write the signed patch {target}: {e.Message.TrimEnd('.')}", ExitCode.Failure, e);
            }

            console.Out.WriteLine($"signed {Printable.Text(target)} with key {signing.Id} ({Printable.Text(signing.Name)})");
            return 0;
        }));
        return command;
    }
}
