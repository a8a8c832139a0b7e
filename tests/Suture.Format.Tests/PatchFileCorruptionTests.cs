using System.Buffers.Binary;
using System.Text;
using Suture.Format;
using Suture.Format.Reading;
using Suture.Format.Writing;

namespace Suture.Format.Tests;

public class PatchFileCorruptionTests
{
    private static readonly byte[] Valid = PatchWriter.Write(PatchSamples.Small());

    [Theory]
    [InlineData("empty", "empty file; not a Suture patch")]
    [InlineData("text", "not a Suture patch (bad magic)")]
    [InlineData("bad-magic", "not a Suture patch (bad magic)")]
    [InlineData("newer-version", "format version 7 is newer than this suture supports (1); upgrade suture")]
    [InlineData("version-zero", "format version 0 is invalid")]
    [InlineData("truncated-header", "truncated: the file is 20 bytes, shorter than the 32-byte header")]
    [InlineData("truncated-end", "truncated: the header declares")]
    [InlineData("too-short-for-checksum", "too short for a header and a checksum")]
    [InlineData("trailing-data", "1 bytes of trailing data")]
    [InlineData("flipped-byte", "checksum mismatch (file is corrupt or was modified)")]
    [InlineData("flipped-checksum", "checksum mismatch (file is corrupt or was modified)")]
    [InlineData("unknown-flags", "header flags 0x0004")]
    [InlineData("header-size-too-small", "header size 8 is invalid")]
    [InlineData("section-length-past-end", "truncated: the functions section at offset")]
    [InlineData("function-count-over-limit", "functions section: 200000 entries exceed the limit of 100000")]
    [InlineData("function-count-past-end", "truncated: the functions section declares 3 entries but ends after 1")]
    [InlineData("function-outside-code", "function 1 ('f'): new code at offset 0x1000 size 0x10 lies outside the code (0x20 bytes)")]
    [InlineData("function-expected-bytes-short", "function 1: 'f' has 4 expected bytes; expected 5 to 64")]
    [InlineData("relocation-straddles-code-end", "relocation 1 (Pc32 against Object 'g'): 4 bytes at offset 0x1e lie outside the image")]
    [InlineData("relocation-in-gap", "4 bytes at offset 0x30 lie outside the image")]
    [InlineData("relocation-into-bss", "4 bytes at offset 0x1010 lie outside the image")]
    [InlineData("relocation-kind-invalid", "relocations section: relocation 1: relocation kind 42 is unknown (expected 1 to 10; a newer suture may know it)")]
    [InlineData("unwind-in-the-gap", "unwind section: eh_frame of 8 bytes at offset 0x20 must be 4-byte aligned, at least 4 bytes and inside the code (0x0..0x20) or the data (0x1000..0x1010)")]
    [InlineData("unwind-without-terminator", "unwind section: eh_frame at offset 0x1004 does not end with a zero terminator")]
    [InlineData("unwind-straddles-code-end", "unwind section: eh_frame of 8 bytes at offset 0x1c must be")]
    [InlineData("thread-local-against-image", "a thread-local relocation must name an Object or External symbol, not the image")]
    [InlineData("symbol-kind-invalid", "relocations section: relocation 1: symbol kind 0 is unknown")]
    [InlineData("relocation-flags-unknown", "flags 0x0002 have unknown bits set")]
    [InlineData("external-with-value", "value 0x4000 must be 0 for an external symbol")]
    [InlineData("level-zero", "metadata section: level 0 is invalid")]
    [InlineData("created-out-of-range", "metadata section: creation time 9223372036854775807 ms")]
    [InlineData("empty-build-id", "target section: the build ID is empty")]
    [InlineData("build-id-too-long", "target section: build ID is 65 bytes, more than the limit of 64")]
    [InlineData("invalid-utf8", "target section: object name is not valid UTF-8")]
    [InlineData("section-trailing-bytes", "target section: 1 unexpected bytes after its last field")]
    [InlineData("bss-over-limit", "data section: bss size 1099511627776 exceeds the limit of 1073741824")]
    [InlineData("missing-section", "missing required relocations section")]
    [InlineData("duplicate-section", "duplicate functions section")]
    [InlineData("out-of-order", "the data section at offset")]
    [InlineData("unknown-required-section", "unknown required section 'ZZZZ' (0x5a5a5a5a)")]
    [InlineData("checksum-not-last", "the checksum section at offset")]
    public void Corrupt_file_is_rejected_with_a_message_naming_the_problem(string corruption, string fragment)
    {
        byte[] file = Corrupt(corruption);

        var e = Assert.Throws<PatchFormatException>(() => PatchReader.Read(file, "foo.patch"));

        Assert.StartsWith("foo.patch: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.CorruptPatch, e.ExitCode);
    }

    [Fact]
    public void Every_truncation_is_rejected_as_truncated()
    {
        for (int length = 1; length < Valid.Length; length++)
        {
            var e = Assert.Throws<PatchFormatException>(() => PatchReader.Read(Valid.AsSpan(0, length), "foo.patch"));
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Bytes outside the version and the file length are covered by the checksum, which is checked first.</summary>
    [Fact]
    public void Every_flipped_byte_is_rejected()
    {
        for (int i = 0; i < Valid.Length; i++)
        {
            byte[] file = [.. Valid];
            file[i] ^= 0x40;

            var e = Assert.Throws<PatchFormatException>(() => PatchReader.Read(file, "foo.patch"));
            if (i is (>= 10 and < 16) or >= 24)
            {
                Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Limits_are_applied_to_what_the_file_declares()
    {
        byte[] file = PatchWriter.Write(PatchSamples.Realistic());

        Assert.Contains("2 entries exceed the limit of 1", ReadError(file, new PatchReadLimits { MaxFunctions = 1 }), StringComparison.Ordinal);
        Assert.Contains("14 entries exceed the limit of 13", ReadError(file, new PatchReadLimits { MaxRelocations = 13 }), StringComparison.Ordinal);
        int description = Encoding.UTF8.GetByteCount(PatchSamples.Realistic().Metadata.Description);
        Assert.Contains($"metadata section: description is {description} bytes, more than the limit of 64", ReadError(file, new PatchReadLimits { MaxStringLength = 64 }), StringComparison.Ordinal);
        Assert.Contains("3 CVEs exceed the limit of 2", ReadError(file, new PatchReadLimits { MaxCves = 2 }), StringComparison.Ordinal);
        Assert.Contains("96 bytes of code exceed the limit of 64", ReadError(file, new PatchReadLimits { MaxCodeSize = 64 }), StringComparison.Ordinal);
        Assert.Contains("56 bytes of data exceed the limit of 16", ReadError(file, new PatchReadLimits { MaxDataSize = 16 }), StringComparison.Ordinal);
        Assert.Contains("bss size 192 exceeds the limit of 32", ReadError(file, new PatchReadLimits { MaxBssSize = 32 }), StringComparison.Ordinal);
        Assert.Contains("build ID is 20 bytes, more than the limit of 16", ReadError(file, new PatchReadLimits { MaxBuildIdLength = 16 }), StringComparison.Ordinal);
        Assert.Contains($"the file is {file.Length} bytes, more than the limit of 100", ReadError(file, new PatchReadLimits { MaxFileSize = 100 }), StringComparison.Ordinal);
    }

    private static string ReadError(byte[] file, PatchReadLimits limits) =>
        Assert.Throws<PatchFormatException>(() => PatchReader.Read(file, "foo.patch", limits)).Message;

    private static byte[] Corrupt(string corruption)
    {
        int functions = PatchBytes.Payload(Valid, "FUNC");
        int relocations = PatchBytes.Payload(Valid, "RELO");
        return corruption switch
        {
            "empty" => [],
            "text" => Encoding.ASCII.GetBytes("#!/bin/sh\necho this is not a patch\n"),
            "bad-magic" => Flip(Valid, 1),
            "newer-version" => With(Valid, f => BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(8), 7)),
            "version-zero" => With(Valid, f => BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(8), 0)),
            "truncated-header" => Valid[..20],
            "truncated-end" => Valid[..^1],
            "too-short-for-checksum" => PatchBytes.Reseal(Valid[..60]),
            "trailing-data" => [.. Valid, 0],
            "flipped-byte" => Flip(Valid, Valid.Length / 2),
            "flipped-checksum" => Flip(Valid, Valid.Length - 1),
            "unknown-flags" => PatchBytes.SetU16(Valid, 10, 4),
            "header-size-too-small" => PatchBytes.SetU32(Valid, 12, 8),
            "section-length-past-end" => PatchBytes.SetU64(Valid, functions - 8, 1UL << 40),
            "function-count-over-limit" => PatchBytes.SetU32(Valid, functions, 200_000),
            "function-count-past-end" => PatchBytes.SetU32(Valid, functions, 3),
            "function-outside-code" => PatchBytes.SetU64(Valid, functions + 35, 0x1000),
            "function-expected-bytes-short" => PatchBytes.SetU8(Valid, functions + 29, 4),
            "relocation-straddles-code-end" => PatchBytes.SetU64(Valid, relocations + 4, 30),
            "relocation-in-gap" => PatchBytes.SetU64(Valid, relocations + 4, 48),
            "relocation-into-bss" => PatchBytes.SetU64(Valid, relocations + 4, 4096 + 16),
            "relocation-kind-invalid" => PatchBytes.SetU8(Valid, relocations + 12, 42),
            "unwind-in-the-gap" => WithUnwind(new PatchUnwindTable(0x20, 8)),
            "unwind-without-terminator" => WithUnwind(new PatchUnwindTable(0x1004, 8)),
            "unwind-straddles-code-end" => WithUnwind(new PatchUnwindTable(0x1c, 8)),
            "thread-local-against-image" => PatchBytes.SetU8(PatchBytes.SetU8(Valid, relocations + 12, (byte)PatchRelocationKind.TpOff32), relocations + 13, (byte)PatchSymbolKind.Image),
            "symbol-kind-invalid" => PatchBytes.SetU8(Valid, relocations + 13, 0),
            "relocation-flags-unknown" => PatchBytes.SetU16(Valid, relocations + 14, 2),
            "external-with-value" => PatchBytes.SetU8(Valid, relocations + 13, (byte)PatchSymbolKind.External),
            "level-zero" => PatchBytes.SetU32(Valid, LevelOffset(Valid), 0),
            "created-out-of-range" => PatchBytes.SetU64(Valid, LevelOffset(Valid) + 4, long.MaxValue),
            "empty-build-id" => PatchBytes.ReplacePayload(Valid, "TRGT", [0, 0, 0, 0, 1, 0, 0, 0, (byte)'x']),
            "build-id-too-long" => PatchBytes.ReplacePayload(Valid, "TRGT", [65, 0, 0, 0, .. new byte[65], 0, 0, 0, 0]),
            "invalid-utf8" => PatchBytes.ReplacePayload(Valid, "TRGT", [1, 0, 0, 0, 0xAB, 2, 0, 0, 0, 0xFF, 0xFE]),
            "section-trailing-bytes" => PatchBytes.ReplacePayload(Valid, "TRGT", [1, 0, 0, 0, 0xAB, 0, 0, 0, 0, 0]),
            "bss-over-limit" => PatchBytes.SetU64(Valid, PatchBytes.Payload(Valid, "DATA"), 1UL << 40),
            "missing-section" => PatchBytes.Remove(Valid, "RELO"),
            "duplicate-section" => Duplicate(Valid, "FUNC"),
            "out-of-order" => MoveAfter(Valid, "CODE", "DATA"),
            "unknown-required-section" => PatchBytes.InsertBeforeChecksum(Valid, PatchBytes.Section("ZZZZ", [0])),
            "checksum-not-last" => PatchBytes.InsertBeforeChecksum(Valid, PatchBytes.Section("HASH", new byte[32])),
            _ => throw new ArgumentOutOfRangeException(nameof(corruption), corruption, "unknown corruption"),
        };
    }

    /// <summary>The small patch with data ending in a zero word and an unwind section describing <paramref name="unwind"/>.</summary>
    private static byte[] WithUnwind(PatchUnwindTable unwind)
    {
        byte[] data = [16, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0];
        byte[] payload = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, unwind.EhFrameOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(8), unwind.EhFrameSize);
        return PatchBytes.InsertBeforeChecksum(PatchBytes.ReplacePayload(Valid, "DATA", data), PatchBytes.Section("UNWD", payload));
    }

    private static byte[] Flip(byte[] file, int at) => With(file, f => f[at] ^= 0xFF);

    private static byte[] With(byte[] file, Action<byte[]> edit)
    {
        byte[] copy = [.. file];
        edit(copy);
        return copy;
    }

    private static byte[] Duplicate(byte[] file, string tag)
    {
        (int header, int length) = PatchBytes.Find(file, tag);
        return PatchBytes.Splice(file, header, 0, file.AsSpan(header, 12 + length));
    }

    private static byte[] MoveAfter(byte[] file, string tag, string after)
    {
        (int header, int length) = PatchBytes.Find(file, tag);
        byte[] section = file.AsSpan(header, 12 + length).ToArray();
        byte[] without = PatchBytes.Remove(file, tag);
        (int afterHeader, int afterLength) = PatchBytes.Find(without, after);
        return PatchBytes.Splice(without, afterHeader + 12 + afterLength, 0, section);
    }

    /// <summary>The level field: after the id, the description and the CVE list of the metadata section.</summary>
    private static int LevelOffset(byte[] file)
    {
        int position = PatchBytes.Payload(file, "META");
        position = SkipString(file, SkipString(file, position));
        uint cves = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position));
        position += 4;
        for (int i = 0; i < cves; i++)
        {
            position = SkipString(file, position);
        }

        return position;
    }

    private static int SkipString(byte[] file, int position) =>
        position + 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position));
}
