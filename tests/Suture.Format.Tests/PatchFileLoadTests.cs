using Suture.Format;
using Suture.Format.Reading;
using Suture.Format.Writing;
using Suture.TestSupport;

namespace Suture.Format.Tests;

public sealed class PatchFileLoadTests : IDisposable
{
    private readonly TempDirectory directory = new("suture-patch-format");

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Loads_a_written_file()
    {
        string path = directory.File("seed.patch");
        File.WriteAllBytes(path, PatchWriter.Write(PatchSamples.Realistic()));

        Assert.True(PatchSamples.Realistic().ContentEquals(PatchDocument.Load(path).Patch));
    }

    [Fact]
    public void A_loaded_document_carries_its_path_and_the_checksum_it_ends_with()
    {
        string path = directory.File("seed.patch");
        byte[] written = PatchWriter.Write(PatchSamples.Small());
        File.WriteAllBytes(path, written);

        PatchDocument document = PatchDocument.Load(path);

        Assert.Equal(path, document.Path);
        Assert.Equal(written, document.Bytes.ToArray());
        Assert.Equal(document.Sha256, PatchDocument.Read(written, "copy.patch").Sha256);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(written.AsSpan(0, written.Length - 32))), document.Sha256);
    }

    [Fact]
    public void A_fifo_is_refused_before_it_is_read()
    {
        string fifo = directory.File("p.patch");
        Assert.Equal(0, Tool.Run("mkfifo", [fifo]).ExitCode);

        var e = Assert.Throws<SutureException>(() => PatchDocument.Load(fifo));

        Assert.Equal(ExitCode.Failure, e.ExitCode);
        Assert.Equal($"{fifo}: is a FIFO (named pipe), not a patch file; give a regular file", e.Message);
    }

    [Fact]
    public void Missing_file_is_a_failure_naming_the_path()
    {
        string path = directory.File("absent.patch");

        var e = Assert.Throws<SutureException>(() => PatchDocument.Load(path).Patch);

        Assert.Equal(ExitCode.Failure, e.ExitCode);
        Assert.Equal($"{path}: no such patch file", e.Message);
    }

    [Fact]
    public void Directory_is_a_failure_naming_the_path()
    {
        var e = Assert.Throws<SutureException>(() => PatchDocument.Load(directory.Path).Patch);

        Assert.Equal(ExitCode.Failure, e.ExitCode);
        Assert.Contains(directory.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_file_names_the_path()
    {
        string path = directory.File("corrupt.patch");
        File.WriteAllBytes(path, "not a patch"u8.ToArray());

        var e = Assert.Throws<PatchFormatException>(() => PatchDocument.Load(path).Patch);

        Assert.Equal($"{path}: not a Suture patch (bad magic)", e.Message);
        Assert.Equal(ExitCode.CorruptPatch, e.ExitCode);
    }

    [Fact]
    public void File_over_the_size_limit_is_refused_before_reading()
    {
        string path = directory.File("huge.patch");
        using (var stream = File.Create(path))
        {
            stream.SetLength((256L << 20) + 1); // sparse: nothing is written or read
        }

        var e = Assert.Throws<PatchFormatException>(() => PatchDocument.Load(path).Patch);

        Assert.Contains("268435457 bytes, more than the limit of 268435456", e.Message, StringComparison.Ordinal);
    }
}
