using System.CommandLine;
using System.Diagnostics;
using Suture.Cli.Output;
using Suture.Format;
using Suture.Trust;

namespace Suture.Cli.Commands;

/// <summary><c>suture verify</c>: whether apply would accept the patch's signature on this host.</summary>
internal static class VerifyCommand
{
    public static Command Create(IConsole console)
    {
        var file = new Argument<string>("patch") { Description = "Patch file" };
        Option<string?> trustDir = TrustOptions.TrustDir();
        var command = new Command("verify", "Check that a patch is signed by a trusted, unrevoked key and unchanged since") { file, trustDir };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            string path = result.GetValue(file)!;
            var clock = Stopwatch.StartNew();
            TrustStore trust = TrustStore.Load(TrustStore.Choose(result.GetValue(trustDir)));
            Signer signer = PatchVerifier.Verify(PatchDocument.Load(path), trust);
            console.Out.WriteLine($"{Printable.Text(path)}: signed by key {signer.KeyId} ({Printable.Text(signer.Name)}), trusted in {Printable.Text(trust.Directory)}; verified in {clock.Elapsed.TotalMilliseconds:0.00} ms");
            return 0;
        }));
        return command;
    }
}
