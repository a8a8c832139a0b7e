using Suture.Format;
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
        File.WriteAllBytes(path, PatchFileWriter.Write(PatchSamples.Realistic()));

        Assert.True(PatchFileComparer.ContentEquals(PatchSamples.Realistic(), PatchFileReader.Load(path)));
    }

    [Fact]
    public void Missing_file_is_a_failure_naming_the_path()
    {
        string path = directory.File("absent.patch");

        var e = Assert.Throws<SutureException>(() => PatchFileReader.Load(path));

        Assert.Equal(ExitCode.Failure, e.ExitCode);
        Assert.Equal($"{path}: no such patch file", e.Message);
    }

    [Fact]
    public void Directory_is_a_failure_naming_the_path()
    {
        var e = Assert.Throws<SutureException>(() => PatchFileReader.Load(directory.Path));

        Assert.Equal(ExitCode.Failure, e.ExitCode);
        Assert.Contains(directory.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_file_names_the_path()
    {
        string path = directory.File("corrupt.patch");
        File.WriteAllBytes(path, "not a patch"u8.ToArray());

        var e = Assert.Throws<PatchFormatException>(() => PatchFileReader.Load(path));

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

        var e = Assert.Throws<PatchFormatException>(() => PatchFileReader.Load(path));

        Assert.Contains("268435457 bytes, more than the limit of 268435456", e.Message, StringComparison.Ordinal);
    }
}
