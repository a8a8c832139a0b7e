using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The error paths of <c>suture kernel sign</c>, in process: a module that is missing or no
/// module, a signing key that is missing, no key or readable by others, a module-signing key
/// without its certificate or headers without the kernel's signer, and an output that cannot be
/// written. Each is one line with its documented exit code, and the module is left as it was.
/// </summary>
public sealed class KernelSignErrorTests
{
    [Fact]
    public void Sign_names_a_missing_module_and_a_file_that_is_no_module()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("fix.ko");
        string text = directory.Write("text.ko", "not a module\n");

        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", missing, "--key", TestKeys.Key), ExitCode.Usage, $"{missing}: no such file", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", text, "--key", TestKeys.Key), ExitCode.CorruptPatch, $"{text}: not a kernel module: ", quiet: true);
        Assert.Equal("not a module\n", File.ReadAllText(text));
    }

    [Fact]
    public void Sign_names_a_signing_key_that_is_missing_no_key_or_readable_by_others()
    {
        using var directory = new TempDirectory();
        string module = Module(directory);
        byte[] before = File.ReadAllBytes(module);
        string missing = directory.File("missing.key");
        string garbage = directory.Write("garbage.key", "not a key\n");
        File.SetUnixFileMode(garbage, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string open = directory.Write("open.key", File.ReadAllText(TestKeys.Key));
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", module, "--key", missing), ExitCode.Failure, $"{missing}: no such signing key", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", module, "--key", garbage), ExitCode.Failure, $"{garbage}: not a suture signing key", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", module, "--key", open), ExitCode.Failure, $"{open}: the signing key may be read or written by other users (mode 604); run 'chmod 600 {open}'", quiet: true);
        Assert.Equal(before, File.ReadAllBytes(module));
    }

    [Fact]
    public void Sign_refuses_a_module_signing_key_without_its_certificate_and_headers_without_the_signer()
    {
        using var directory = new TempDirectory();
        string module = Module(directory);
        byte[] before = File.ReadAllBytes(module);
        string pem = directory.Write("signing_key.pem", "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        string headers = directory.File("headers");
        Directory.CreateDirectory(headers);

        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", module, "--key", TestKeys.Key, "--module-key", pem), ExitCode.Usage, "--module-key and --module-cert go together", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", module, "--key", TestKeys.Key, "--module-cert", pem), ExitCode.Usage, "--module-key and --module-cert go together", quiet: true);
        CliAssert.OneLineError(
            InProcessSuture.Run("kernel", "sign", module, "--key", TestKeys.Key, "--module-key", pem, "--module-cert", pem, "--headers", headers),
            ExitCode.Usage,
            $"--headers {headers}: has no scripts/sign-file",
            quiet: true);
        Assert.Equal(before, File.ReadAllBytes(module));
        Assert.False(File.Exists(module + ".signing"));
    }

    [Fact]
    public void Sign_names_an_output_it_cannot_write_and_leaves_nothing_behind()
    {
        using var directory = new TempDirectory();
        string module = Module(directory);
        string output = Path.Combine(directory.File("no-such-directory"), "fix_1.ko");

        CliAssert.OneLineError(InProcessSuture.Run("kernel", "sign", module, "--key", TestKeys.Key, "-o", output), ExitCode.Failure, $"cannot write the signed module {output}: ", quiet: true);
        Assert.False(File.Exists(output + ".signing"));
    }

    /// <summary>A relocatable object with a livepatch module's <c>.modinfo</c>: enough for sign to read it.</summary>
    private static string Module(TempDirectory directory) =>
        Gcc.Compile("static const char modinfo[] __attribute__((section(\".modinfo\"), used)) = \"license=GPL\\0name=fix_1\\0livepatch=Y\";\n", directory.File("fix_1.ko"), "-c");
}
