using System.Buffers.Binary;

namespace Suture.Format.Reading;

/// <summary>The header, the checksum over the whole file and the checksum section that ends it.</summary>
internal static partial class PatchReader
{
    /// <summary>Returns the header size after checking everything the header and checksum promise.</summary>
    private static int CheckHeaderAndChecksum(ReadOnlySpan<byte> data, string file, PatchReadLimits limits)
    {
        if (data.IsEmpty)
        {
            throw Fail(file, "empty file; not a Suture patch");
        }

        ReadOnlySpan<byte> magic = PatchFormat.Magic;
        int prefix = Math.Min(data.Length, magic.Length);
        if (!data[..prefix].SequenceEqual(magic[..prefix]))
        {
            throw Fail(file, "not a Suture patch (bad magic)");
        }

        if (data.Length < PatchFormat.VersionOffset + 2)
        {
            throw Fail(file, $"truncated: the file is {data.Length} bytes, shorter than the {PatchFormat.HeaderSize}-byte header");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data[PatchFormat.VersionOffset..]);
        if (version == 0)
        {
            throw Fail(file, "format version 0 is invalid (versions start at 1)");
        }

        if (version > PatchFormat.Version)
        {
            throw Fail(file, $"format version {version} is newer than this suture supports ({PatchFormat.Version}); upgrade suture");
        }

        if (data.Length > limits.MaxFileSize)
        {
            throw Fail(file, $"the file is {data.Length} bytes, more than the limit of {limits.MaxFileSize}");
        }

        if (data.Length < PatchFormat.HeaderSize)
        {
            throw Fail(file, $"truncated: the file is {data.Length} bytes, shorter than the {PatchFormat.HeaderSize}-byte header");
        }

        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(data[PatchFormat.FileLengthOffset..]);
        if (declared > (ulong)data.Length)
        {
            throw Fail(file, $"truncated: the header declares {declared} bytes but the file has {data.Length}");
        }

        if (declared < (ulong)data.Length)
        {
            throw Fail(file, $"{(ulong)data.Length - declared} bytes of trailing data after the declared end of the file at {declared}");
        }

        if (data.Length < PatchFormat.MinFileSize)
        {
            throw Fail(file, $"truncated: the file is {data.Length} bytes, too short for a header and a checksum ({PatchFormat.MinFileSize})");
        }

        Span<byte> hash = stackalloc byte[PatchFormat.ChecksumSize];
        Sha256.HashData(data[..^PatchFormat.ChecksumSize], hash);
        if (!hash.SequenceEqual(data[^PatchFormat.ChecksumSize..]))
        {
            throw Fail(file, "checksum mismatch (file is corrupt or was modified)");
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(data[PatchFormat.FlagsOffset..]);
        if (flags != 0)
        {
            throw Fail(file, $"header flags 0x{flags:x4} name features unknown to this suture (version 1 defines none); upgrade suture");
        }

        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[PatchFormat.HeaderSizeOffset..]);
        if (headerSize is < PatchFormat.HeaderSize or > PatchFormat.MaxHeaderSize
            || headerSize > data.Length - PatchFormat.ChecksumSectionSize)
        {
            throw Fail(file, $"header size {headerSize} is invalid (expected {PatchFormat.HeaderSize} to " +
                $"{Math.Min(PatchFormat.MaxHeaderSize, data.Length - PatchFormat.ChecksumSectionSize)})");
        }

        return (int)headerSize;
    }

    private static void CheckChecksumSection(ReadOnlySpan<byte> section, string file)
    {
        uint tag = BinaryPrimitives.ReadUInt32LittleEndian(section);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(section[4..]);
        if (tag != PatchSection.Checksum || length != PatchFormat.ChecksumSize)
        {
            throw Fail(file, $"the file does not end with a checksum section (found {PatchSection.Describe(tag)} of {length} bytes)");
        }
    }
}
