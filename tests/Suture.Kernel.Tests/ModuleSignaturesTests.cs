using System.Buffers.Binary;
using System.Text;
using Suture.Kernel.Loading;
using Suture.Kernel.Signing;
using Suture.TestSupport;
using Suture.Trust;

namespace Suture.Kernel.Tests;

/// <summary>
/// Suture's signature on a livepatch module (appended after the ELF bytes, under any kernel
/// module signature): it verifies against the trust directory as a userspace patch's does, and
/// refuses unsigned, changed and unknown-key modules; the module still reads as ELF.
/// </summary>
public sealed class ModuleSignaturesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("suture-kosig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (byte[] Module, string Path) BuildModule()
    {
        string source = "__attribute__((section(\".modinfo\"), used)) static const char info[] = \"name=fixmod\\0livepatch=Y\";\nint f(void) { return 1; }\n";
        string path = Gcc.Compile(source, Path.Combine(_directory, "fixmod.ko"), "-c", "-O2");
        return (File.ReadAllBytes(path), path);
    }

    private (SigningKey Key, TrustStore Trust) Key(string name, bool trusted = true)
    {
        SigningKey key = SigningKey.Generate(name);
        string trust = Path.Combine(_directory, "trust-" + name);
        Directory.CreateDirectory(trust);
        (_, string pub) = key.Write(Path.Combine(_directory, name));
        if (trusted)
        {
            File.Copy(pub, Path.Combine(trust, name + ".pub"));
        }

        return (key, TrustStore.Load(trust));
    }

    [Fact]
    public void A_signed_module_verifies_and_still_reads_as_the_same_module()
    {
        (byte[] module, string path) = BuildModule();
        (SigningKey key, TrustStore trust) = Key("kernel-publisher");
        using (key)
        {
            byte[] signed = ModuleSignatures.Sign(module, path, key);

            Signer signer = ModuleSignatures.Verify(signed, path, trust);
            Assert.Equal(key.Id, signer.KeyId);
            Assert.Equal("kernel-publisher", signer.Name);
            Assert.Equal(module.Length, ModuleSignatures.ElfLength(signed, path));
            Assert.Equal("fixmod", ModuleInfo.Read(signed, path)["name"]);
            // Signing again replaces the signature rather than stacking one more.
            Assert.Equal(signed.Length, ModuleSignatures.Sign(signed, path, key).Length);
        }
    }

    [Fact]
    public void A_kernel_module_signature_on_top_leaves_it_verifiable()
    {
        (byte[] module, string path) = BuildModule();
        (SigningKey key, TrustStore trust) = Key("publisher");
        using (key)
        {
            byte[] signed = ModuleSignatures.Sign(module, path, key);
            // sign-file's layout: PKCS#7 bytes, struct module_signature (sig_len big-endian last), marker.
            var pkcs7 = new byte[300];
            new Random(7).NextBytes(pkcs7);
            var info = new byte[12];
            info[2] = 2; // PKEY_ID_PKCS7
            BinaryPrimitives.WriteUInt32BigEndian(info.AsSpan(8), (uint)pkcs7.Length);
            byte[] both = [.. signed, .. pkcs7, .. info, .. Encoding.ASCII.GetBytes(ModuleSignatures.KernelMarker)];

            Assert.True(ModuleSignatures.HasKernelSignature(both));
            Assert.Equal(signed.Length, ModuleSignatures.WithoutKernelSignature(both, path));
            Assert.Equal(key.Id, ModuleSignatures.Verify(both, path, trust).KeyId);
            SutureException refused = Assert.Throws<SutureException>(() => ModuleSignatures.Sign(both, path, key));
            Assert.Equal(ExitCode.Usage, refused.ExitCode);
        }
    }

    [Fact]
    public void Unsigned_changed_and_untrusted_modules_are_refused()
    {
        (byte[] module, string path) = BuildModule();
        (SigningKey key, TrustStore trust) = Key("publisher");
        (SigningKey stranger, _) = Key("stranger", trusted: false);
        using (key)
        using (stranger)
        {
            SutureException unsigned = Assert.Throws<SutureException>(() => ModuleSignatures.Verify(module, path, trust));
            Assert.Equal(ExitCode.Untrusted, unsigned.ExitCode);
            Assert.Contains("is not signed", unsigned.Message, StringComparison.Ordinal);

            byte[] changed = ModuleSignatures.Sign(module, path, key);
            changed[64] ^= 1;
            SutureException mismatch = Assert.Throws<SutureException>(() => ModuleSignatures.Verify(changed, path, trust));
            Assert.Equal(ExitCode.Untrusted, mismatch.ExitCode);
            Assert.Contains("does not match the file's content", mismatch.Message, StringComparison.Ordinal);

            SutureException unknown = Assert.Throws<SutureException>(() => ModuleSignatures.Verify(ModuleSignatures.Sign(module, path, stranger), path, trust));
            Assert.Equal(ExitCode.Untrusted, unknown.ExitCode);
            Assert.Contains("not in the trust directory", unknown.Message, StringComparison.Ordinal);

            byte[] truncated = ModuleSignatures.Sign(module, path, key)[..^40];
            Assert.Null(ModuleSignatures.Find(truncated, path)); // the marker is gone: unsigned, refused as such
        }
    }
}
