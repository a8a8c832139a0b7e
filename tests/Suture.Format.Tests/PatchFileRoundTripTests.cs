using System.Buffers.Binary;
using Suture.Format;
using Suture.Format.Reading;
using Suture.Format.Writing;

namespace Suture.Format.Tests;

public class PatchFileRoundTripTests
{
    [Fact]
    public void Realistic_patch_round_trips_byte_for_byte()
    {
        PatchFile patch = PatchSamples.Realistic();

        byte[] written = PatchWriter.Write(patch);
        PatchFile read = PatchReader.Read(written, "seed.patch");

        Assert.True(patch.ContentEquals(read));
        Assert.Equal(written, PatchWriter.Write(read));
    }

    [Fact]
    public void Fields_read_back_equal_to_those_written()
    {
        PatchFile patch = PatchSamples.Realistic();

        PatchFile read = PatchReader.Read(PatchWriter.Write(patch));

        Assert.Equal(patch.Target.BuildIdHex, read.Target.BuildIdHex);
        Assert.Equal(patch.Target.ObjectName, read.Target.ObjectName);
        Assert.Equal(patch.Metadata.Id, read.Metadata.Id);
        Assert.Equal(patch.Metadata.Description, read.Metadata.Description);
        Assert.Equal(patch.Metadata.Cves, read.Metadata.Cves);
        Assert.Equal(patch.Metadata.Level, read.Metadata.Level);
        Assert.Equal(patch.Metadata.CreatedUtc, read.Metadata.CreatedUtc);
        Assert.Equal(patch.Metadata.Compiler, read.Metadata.Compiler);
        Assert.Equal(patch.Metadata.BuildCommand, read.Metadata.BuildCommand);
        Assert.Equal(patch.Metadata.Overrides, read.Metadata.Overrides);
        Assert.Equal(patch.Functions.Count, read.Functions.Count);
        for (int i = 0; i < patch.Functions.Count; i++)
        {
            Assert.Equal(patch.Functions[i] with { ExpectedBytes = [] }, read.Functions[i] with { ExpectedBytes = [] });
            Assert.Equal(patch.Functions[i].ExpectedBytes, read.Functions[i].ExpectedBytes);
        }

        Assert.Equal(patch.Image.Code, read.Image.Code);
        Assert.Equal(patch.Image.Data, read.Image.Data);
        Assert.Equal(patch.Image.BssSize, read.Image.BssSize);
        Assert.Equal(patch.Relocations, read.Relocations);
        Assert.Equal(patch.Unwind, read.Unwind);
    }

    [Fact]
    public void Header_holds_magic_version_header_size_and_length()
    {
        byte[] written = PatchWriter.Write(PatchSamples.Small());

        byte[] magic = [0x89, .. "SUTURE\n"u8];
        Assert.Equal(magic, written[..8]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(written.AsSpan(8)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(written.AsSpan(10)));
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(12)));
        Assert.Equal((ulong)written.Length, BinaryPrimitives.ReadUInt64LittleEndian(written.AsSpan(16)));
        Assert.Equal(PatchBytes.Tag("HASH"), BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(written.Length - 44)));
    }

    [Fact]
    public void Stream_overload_writes_the_same_bytes()
    {
        PatchFile patch = PatchSamples.Realistic();
        using var stream = new MemoryStream();

        PatchWriter.Write(patch, stream);

        Assert.Equal(PatchWriter.Write(patch), stream.ToArray());
    }

    [Fact]
    public void Creation_time_is_stored_in_whole_milliseconds()
    {
        PatchFile patch = PatchSamples.Small();
        patch = patch with { Metadata = patch.Metadata with { CreatedUtc = patch.Metadata.CreatedUtc.AddTicks(12_345) } };

        PatchFile read = PatchReader.Read(PatchWriter.Write(patch));

        Assert.Equal(patch.Metadata.CreatedUtc.AddTicks(-2_345), read.Metadata.CreatedUtc);
        Assert.True(patch.ContentEquals(read));
    }

    [Fact]
    public void Unknown_section_that_may_be_ignored_is_skipped()
    {
        byte[] written = PatchWriter.Write(PatchSamples.Realistic());
        byte[] extended = PatchBytes.InsertBeforeChecksum(written, PatchBytes.Section("xtra", [1, 2, 3]));
        extended = PatchBytes.Splice(extended, PatchBytes.Find(extended, "FUNC").Header, 0, PatchBytes.Section("note", "hello"u8));

        PatchFile read = PatchReader.Read(extended);

        Assert.True(PatchSamples.Realistic().ContentEquals(read));
    }

    [Fact]
    public void Larger_header_from_a_future_minor_revision_is_skipped()
    {
        byte[] written = PatchWriter.Write(PatchSamples.Small());
        byte[] longer = PatchBytes.SetU32(PatchBytes.Splice(written, 32, 0, new byte[8]), 12, 40);

        Assert.True(PatchSamples.Small().ContentEquals(PatchReader.Read(longer)));
    }

    [Fact]
    public void TryRead_reports_success_and_failure_without_throwing()
    {
        byte[] written = PatchWriter.Write(PatchSamples.Small());

        Assert.True(PatchReader.TryRead(written, "a.patch", out PatchFile? patch, out string? error));
        Assert.NotNull(patch);
        Assert.Null(error);

        Assert.False(PatchReader.TryRead(written.AsSpan(0, 40), "a.patch", out patch, out error));
        Assert.Null(patch);
        Assert.StartsWith("a.patch: truncated", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ContentEquals_notices_a_difference_in_any_list()
    {
        PatchFile a = PatchSamples.Realistic();

        Assert.True(a.ContentEquals(PatchSamples.Realistic()));
        Assert.False(a.ContentEquals(a with { Metadata = a.Metadata with { Cves = ["CVE-2026-1234"] } }));
        Assert.False(a.ContentEquals(a with { Functions = [a.Functions[0]] }));
        Assert.False(a.ContentEquals(a with { Relocations = a.Relocations.Skip(1).ToArray() }));
        Assert.False(a.ContentEquals(a with { Image = a.Image with { BssSize = 8 } }));
        Assert.False(a.ContentEquals(a with { Target = a.Target with { BuildId = [1] } }));
    }
}
