using System.Buffers.Binary;
using System.Security.Cryptography;
using Suture.Format;
using Suture.Format.Writing;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// Signed patches: keys, sign, verify, and apply's refusal of unsigned, unknown-key, revoked-key
/// and changed patches (exit 14, before the process is touched), --allow-unsigned recorded in
/// the process, and trust directories that cannot be used.
/// </summary>
public sealed class SigningTests : IClassFixture<ErrorTests.BuiltSeed>
{
    private readonly ErrorTests.BuiltSeed _seed;

    public SigningTests(ErrorTests.BuiltSeed seed)
    {
        _seed = seed;
    }

    [Fact]
    public void A_generated_key_is_private_to_its_owner_and_its_id_is_the_sha256_of_the_public_key_openssl_reads()
    {
        using var directory = new TempDirectory();
        ToolResult generated = SutureCli.Succeed("key", "generate", "-o", directory.File("release"), "--name", "Release team");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(directory.File("release.key")));
        ToolResult der = Tool.Run("sh", ["-c", $"openssl pkey -pubin -in '{directory.File("release.pub")}' -outform DER | sha256sum"]);
        Assert.True(der.ExitCode == 0, der.ToString());
        string id = der.Stdout[..16];
        Assert.Contains($"key {id} (Release team)", generated.Stdout);
        Assert.Contains($"# id: {id}", File.ReadAllText(directory.File("release.pub")));
        Assert.Equal(0, Tool.Run("openssl", ["pkey", "-in", directory.File("release.key"), "-noout"]).ExitCode);

        ToolResult again = SutureCli.Run("key", "generate", "-o", directory.File("release"));
        AssertOneLineError(again, ExitCode.Failure, "exists; refusing to overwrite a key");
    }

    [Fact]
    public void A_signed_patch_verifies_applies_and_status_and_inspect_name_the_signer()
    {
        ToolResult verified = SutureCli.Succeed("verify", _seed.Project.PatchPath);
        Assert.Contains($"signed by key {TestKeys.KeyId} ({TestKeys.Name})", verified.Stdout);
        Assert.Contains($"key {TestKeys.KeyId} ({TestKeys.Name})", SutureCli.Succeed("inspect", _seed.Project.PatchPath).Stdout);
        Assert.Contains($"\"keyId\": \"{TestKeys.KeyId}\"", SutureCli.Succeed("inspect", _seed.Project.PatchPath, "--json").Stdout);

        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();
        SutureCli.Succeed("apply", "-p", pid, _seed.Project.PatchPath);
        program.WaitForLine(l => l == SeedProject.NewLine, program.LineCount);

        Assert.Contains($"signed by key {TestKeys.KeyId} ({TestKeys.Name}), verified when applied", SutureCli.Succeed("status", "-p", pid).Stdout);
        string json = SutureCli.Succeed("status", "-p", pid, "--json").Stdout;
        Assert.Contains("\"signed\": true", json);
        Assert.Contains($"\"keyId\": \"{TestKeys.KeyId}\"", json);
        SutureCli.Succeed("revert", "-p", pid);
    }

    [Fact]
    public void An_unsigned_patch_is_refused_before_the_process_is_touched_and_allow_unsigned_is_recorded()
    {
        using var directory = new TempDirectory();
        string unsigned = directory.File("unsigned.patch");
        File.WriteAllBytes(unsigned, PatchWriter.Write(PatchDocument.Load(_seed.Project.PatchPath).Patch));
        Assert.Contains("- (unsigned", SutureCli.Succeed("inspect", unsigned).Stdout);
        AssertOneLineError(SutureCli.Run("verify", unsigned), ExitCode.Untrusted, $"{unsigned} is not signed");

        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();
        foreach (string target in new[] { pid, "all" })
        {
            ToolResult refused = SutureCli.Run("apply", "-p", target, unsigned);
            AssertOneLineError(refused, ExitCode.Untrusted, $"{unsigned} is not signed");
            Assert.Contains("--allow-unsigned", refused.Stderr);
        }

        ToolResult store = SutureCli.Run("apply", "-p", pid, directory.Path);
        AssertOneLineError(store, ExitCode.Untrusted, $"{unsigned} is not signed");
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{program.Pid}/maps"));
        program.WaitForLine(l => l == SeedProject.OldLine, program.LineCount);

        ToolResult allowed = SutureCli.Run("apply", "-p", pid, "--allow-unsigned", unsigned);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("applying it anyway as unsigned (--allow-unsigned)", allowed.Stderr);
        program.WaitForLine(l => l == SeedProject.NewLine, program.LineCount);
        Assert.Contains("unsigned: applied with --allow-unsigned", SutureCli.Succeed("status", "-p", pid).Stdout);
        string json = SutureCli.Succeed("status", "-p", pid, "--json").Stdout;
        Assert.Contains("\"signed\": false", json);
        Assert.Contains("\"signer\": null", json);
        SutureCli.Succeed("revert", "-p", pid);
    }

    [Fact]
    public void One_byte_changed_after_signing_is_refused_even_with_a_recomputed_checksum()
    {
        using var directory = new TempDirectory();
        byte[] bytes = File.ReadAllBytes(_seed.Project.PatchPath);
        int code = bytes.AsSpan().IndexOf("CODE"u8) + 12; // first byte of the code
        bytes[code] ^= 0x01;
        string broken = directory.File("checksum.patch");
        File.WriteAllBytes(broken, bytes);
        AssertOneLineError(SutureCli.Run("verify", broken), ExitCode.CorruptPatch, "checksum");

        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32)); // as an attacker would
        string tampered = directory.File("tampered.patch");
        File.WriteAllBytes(tampered, bytes);
        Assert.Equal(0, SutureCli.Run("inspect", tampered).ExitCode); // a well-formed patch
        ToolResult result = SutureCli.Run("apply", "-p", "all", tampered);
        AssertOneLineError(result, ExitCode.Untrusted, $"{tampered}: the signature of key {TestKeys.KeyId}");
        Assert.Contains("changed after signing", result.Stderr);
    }

    [Fact]
    public void A_patch_signed_by_an_unknown_key_is_refused_naming_the_key_and_re_signing_replaces_the_signature()
    {
        using var directory = new TempDirectory();
        SutureCli.Succeed("key", "generate", "-o", directory.File("stranger"), "--name", "Stranger");
        string patch = directory.File("stranger.patch");
        ToolResult signed = SutureCli.Succeed("sign", _seed.Project.PatchPath, "--key", directory.File("stranger.key"), "-o", patch);
        string id = signed.Stdout.Split(' ')[4];

        ToolResult result = SutureCli.Run("apply", "-p", "all", patch);
        AssertOneLineError(result, ExitCode.Untrusted, $"{patch} is signed by key {id} ('Stranger'), which is not in the trust directory {TestKeys.TrustDirectory}");

        int before = File.ReadAllBytes(patch).Length;
        TestKeys.Sign(patch);
        byte[] again = File.ReadAllBytes(patch);
        Assert.Equal(before - "Stranger".Length + TestKeys.Name.Length, again.Length); // one signature section, replaced
        Assert.Contains(TestKeys.KeyId, SutureCli.Succeed("verify", patch).Stdout);
    }

    [Fact]
    public void A_revoked_key_is_refused_naming_the_key_and_the_revocation_list_line()
    {
        using var directory = new TempDirectory();
        string trust = TrustCopy(directory, $"# compromised 2026-11-30\n\n{TestKeys.KeyId}  # the test key\n");
        var environment = new Dictionary<string, string> { [TestKeys.TrustVariable] = trust };
        ToolResult result = SutureCli.RunWith(environment, "apply", "-p", "all", _seed.Project.PatchPath);
        AssertOneLineError(result, ExitCode.Untrusted, $"is signed by key {TestKeys.KeyId} ('{TestKeys.Name}'), which is revoked ({trust}/revoked line 3)");
        AssertOneLineError(SutureCli.Run("verify", "--trust-dir", trust, _seed.Project.PatchPath), ExitCode.Untrusted, "revoked");
    }

    [Theory]
    [InlineData("garbage.pub", "not a key\n", "garbage.pub is not a suture public key: it holds no PEM block")]
    [InlineData("private.pub", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "private.pub is not a suture public key: its PEM block is 'PRIVATE KEY'")]
    [InlineData("revoked", "not-an-id\n", "revoked line 1 is 'not-an-id', not a key id")]
    [InlineData("", "", "may be written by other users")]
    [InlineData(null, "", "does not exist")]
    public void A_trust_directory_that_cannot_be_used_gets_one_clear_error(string? file, string content, string fragment)
    {
        using var directory = new TempDirectory();
        string trust = file is null ? directory.File("missing") : TrustCopy(directory, null);
        if (file is { Length: > 0 })
        {
            File.WriteAllText(Path.Combine(trust, file), content);
        }
        else if (file is not null)
        {
            File.SetUnixFileMode(trust, (UnixFileMode)0b111_111_111);
        }

        ToolResult result = SutureCli.Run("apply", "-p", "all", "--trust-dir", trust, _seed.Project.PatchPath);
        AssertOneLineError(result, ExitCode.Untrusted, fragment);
        Assert.Contains(trust, result.Stderr);
    }

    [Fact]
    public void A_public_key_file_whose_id_comment_does_not_match_its_key_is_refused()
    {
        using var directory = new TempDirectory();
        string trust = TrustCopy(directory, null);
        string key = Path.Combine(trust, "test.pub");
        File.WriteAllText(key, File.ReadAllText(key).Replace(TestKeys.KeyId, "0000000000000000", StringComparison.Ordinal));
        AssertOneLineError(SutureCli.Run("verify", "--trust-dir", trust, _seed.Project.PatchPath), ExitCode.Untrusted, $"says key id 0000000000000000, but the key in it has id {TestKeys.KeyId}");
    }

    [Fact]
    public void The_signature_section_is_the_last_before_hash_and_covers_the_final_file_length()
    {
        byte[] bytes = File.ReadAllBytes(_seed.Project.PatchPath);
        Assert.Equal((ulong)bytes.Length, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
        int sign = bytes.Length - 44 - 12 - (1 + 4 + 16 + 4 + TestKeys.Name.Length + 4 + 64);
        Assert.Equal("sign"u8.ToArray(), bytes[sign..(sign + 4)]);
        Assert.Equal("HASH"u8.ToArray(), bytes[^44..^40]);
    }

    private static string TrustCopy(TempDirectory directory, string? revoked)
    {
        string trust = directory.File("trust");
        Directory.CreateDirectory(trust);
        File.Copy(Path.Combine(TestKeys.TrustDirectory, "test.pub"), Path.Combine(trust, "test.pub"));
        if (revoked is not null)
        {
            File.WriteAllText(Path.Combine(trust, "revoked"), revoked);
        }

        return trust;
    }

    private static void AssertOneLineError(ToolResult result, ExitCode expected, string fragment) =>
        CliAssert.OneLineError(result, expected, fragment);
}
