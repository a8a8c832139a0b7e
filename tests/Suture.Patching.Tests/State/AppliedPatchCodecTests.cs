using System.Text;
using Suture.Patching.State;

namespace Suture.Patching.Tests.State;

/// <summary>The record kept in the target: version 3 round trips; version 1 and 2 records of older suture runs still read; anything else is refused with the reason.</summary>
public sealed class AppliedPatchCodecTests
{
    private static readonly AppliedPatch Sample = new()
    {
        PatchId = "fix",
        Level = 2,
        Description = "d",
        Cves = ["CVE-2026-0001"],
        ObjectName = "foo",
        BuildId = [1, 2, 3, 4],
        AppliedUtc = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
        PatchSha256 = "ab",
        Base = 0x1000,
        CodeSize = 0x100,
        MappedSize = 0x3000,
        Functions = [new AppliedFunction("f", 0x5000, 0x1000, [0x55, 0x48, 0x89, 0xe5, 0x90], 0x5000, 0x20)],
        IsActive = false,
        UnwindTable = 0x1080,
        UnwindTableSize = 0x40,
        UnwindState = UnwindState.Deregistering,
        Phase = RecordPhase.Unloading,
        WriterPid = 4242,
        UnwindRecord = 0x2000,
        Signer = new PatchSigner("0123456789abcdef", "security team"),
    };

    [Fact]
    public void Version_3_round_trips_every_field()
    {
        byte[] encoded = AppliedPatchCodec.Encode(Sample);
        Assert.Equal(3u, BitConverter.ToUInt32(encoded, 8));
        int length = AppliedPatchCodec.ReadHeader(encoded, out uint version, out string? problem);
        Assert.Null(problem);
        AppliedPatch decoded = AppliedPatchCodec.TryDecode(encoded[AppliedPatchCodec.HeaderSize..(AppliedPatchCodec.HeaderSize + length)], version)!;
        Assert.Equal(AppliedPatchCodec.Encode(decoded), encoded);
        Assert.Equal(RecordPhase.Unloading, decoded.Phase);
        Assert.Equal(UnwindState.Deregistering, decoded.UnwindState);
        Assert.Equal(4242, decoded.WriterPid);
        Assert.Equal(0x2000ul, decoded.UnwindRecord);
        Assert.Equal(new PatchSigner("0123456789abcdef", "security team"), decoded.Signer);
    }

    [Fact]
    public void A_version_2_record_reads_as_unsigned_and_an_unsigned_one_has_no_signer()
    {
        byte[] body = AppliedPatchCodec.Encode(Sample with { Signer = null })[AppliedPatchCodec.HeaderSize..];
        Assert.Null(AppliedPatchCodec.TryDecode(body, 3)!.Signer);
        AppliedPatch version2 = AppliedPatchCodec.TryDecode(body[..^2], 2)!; // version 2 ends before the two signer strings
        Assert.Null(version2.Signer);
        Assert.Equal(0x2000ul, version2.UnwindRecord);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_version_1_record_reads_as_applied(bool withUnwindFields)
    {
        byte[] body = Version1Body(withUnwindFields);
        AppliedPatch decoded = AppliedPatchCodec.TryDecode(body, 1)!;
        Assert.Equal(RecordPhase.Applied, decoded.Phase);
        Assert.True(decoded.IsActive);
        Assert.Equal(withUnwindFields ? UnwindState.Registered : UnwindState.None, decoded.UnwindState);
        Assert.Equal(withUnwindFields ? 0x1080ul : 0, decoded.UnwindTable);
    }

    [Theory]
    [InlineData(0u, "has no SUTURE:S magic")]
    [InlineData(4u, "format version 4")]
    public void Other_headers_are_refused_with_the_reason(uint version, string reason)
    {
        byte[] encoded = AppliedPatchCodec.Encode(Sample);
        if (version == 0)
        {
            encoded[0] ^= 0xff;
        }
        else
        {
            BitConverter.TryWriteBytes(encoded.AsSpan(8), version);
        }

        Assert.Equal(-1, AppliedPatchCodec.ReadHeader(encoded, out _, out string? problem));
        Assert.Contains(reason, problem);
        Assert.Contains("empty", AppliedPatchCodec.ReadHeader(new byte[16], out _, out problem) < 0 ? problem : "");
    }

    [Fact]
    public void A_version_3_body_with_a_missing_or_extra_byte_or_an_unknown_phase_does_not_decode()
    {
        byte[] body = AppliedPatchCodec.Encode(Sample with { Signer = null })[AppliedPatchCodec.HeaderSize..];
        Assert.Null(AppliedPatchCodec.TryDecode(body[..^1], 3));
        Assert.Null(AppliedPatchCodec.TryDecode([.. body, 0], 3));
        byte[] phase = (byte[])body.Clone();
        phase[^16] = 9; // phase byte: before unwind state (1), writer pid (4), unwind record (8), two empty signer strings (2)
        Assert.Null(AppliedPatchCodec.TryDecode(phase, 3));
    }

    /// <summary>A body as the first suture versions wrote it (docs/patch-format.md, "version 1").</summary>
    private static byte[] Version1Body(bool withUnwindFields)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("fix");
            w.Write(1);
            w.Write("");
            w.Write(0);
            w.Write("foo");
            w.Write(4);
            w.Write(new byte[] { 1, 2, 3, 4 });
            w.Write(1_700_000_000_000L);
            w.Write("ab");
            w.Write(0x1000ul);
            w.Write(0x100ul);
            w.Write(0x3000ul);
            w.Write(1);
            w.Write("f");
            w.Write(0x5000ul);
            w.Write(0x1000ul);
            w.Write(5);
            w.Write(new byte[] { 0x55, 0x48, 0x89, 0xe5, 0x90 });
            w.Write(0x5000ul);
            w.Write(0x20ul);
            w.Write(true);
            if (withUnwindFields)
            {
                w.Write(0x1080ul);
                w.Write(0x40ul);
                w.Write(true);
            }
        }

        return stream.ToArray();
    }
}
