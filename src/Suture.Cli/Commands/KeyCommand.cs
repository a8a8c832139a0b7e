using System.CommandLine;
using Suture.Cli.Output;
using Suture.Trust;

namespace Suture.Cli.Commands;

/// <summary><c>suture key generate</c>: a new signing key pair (NAME.key, mode 0600, and NAME.pub).</summary>
internal static class KeyCommand
{
    public static Command Create(IConsole console)
    {
        var output = new Option<string>("--output", "-o") { Description = "Base path of the key files: writes OUT.key (private, mode 0600) and OUT.pub (public)", Required = true };
        var name = new Option<string?>("--name") { Description = "Who the key belongs to, shown when its patches are verified (default: the file name of -o)" };
        var generate = new Command("generate", "Generate an ECDSA P-256 signing key pair and print its key id") { output, name };
        generate.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            string basePath = result.GetValue(output)!;
            string owner = result.GetValue(name) ?? Path.GetFileName(basePath);
            if (owner.Length == 0 || owner.Any(char.IsControl) || System.Text.Encoding.UTF8.GetByteCount(owner) > SignatureSection.MaxSignerName || owner.Trim() != owner)
            {
                throw new SutureException($"--name '{Printable.Text(owner)}' must be 1 to {SignatureSection.MaxSignerName} bytes of text without control characters or surrounding spaces", ExitCode.Usage);
            }

            using SigningKey key = SigningKey.Generate(owner);
            (string privatePath, string publicPath) = key.Write(basePath);
            console.Out.WriteLine($"key {key.Id} ({Printable.Text(owner)}): private {Printable.Text(privatePath)} (mode 0600: keep it secret), public {Printable.Text(publicPath)} (install it in {TrustStore.DefaultDirectory}/ on the hosts)");
            return 0;
        }));
        return new Command("key", "Manage patch signing keys") { generate };
    }
}
