using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Suture.Format;

/// <summary>Checks the header and checksum, walks the sections in order and hands each payload to <see cref="PatchSectionReader"/>.</summary>
internal static class PatchFileParser
{
    public static PatchFile Parse(ReadOnlySpan<byte> data, string file, PatchReadLimits limits)
    {
        int headerSize = CheckHeaderAndChecksum(data, file, limits);
        int end = data.Length - PatchFormat.ChecksumSectionSize;
        var parts = new PatchFileParts();
        ReadOnlySpan<uint> order = PatchSection.Order;
        int next = 0;
        int position = headerSize;
        while (position < end)
        {
            if (end - position < PatchFormat.SectionHeaderSize)
            {
                throw Fail(file, $"truncated: the section header at offset {position} is incomplete " +
                    $"({end - position} bytes before the checksum section)");
            }

            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(data[position..]);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(data[(position + 4)..]);
            int start = position + PatchFormat.SectionHeaderSize;
            if (length > (ulong)(end - start))
            {
                throw Fail(file, $"truncated: the {PatchSection.Name(tag)} section at offset {position} declares " +
                    $"{length} bytes but only {end - start} remain before the checksum section");
            }

            ReadOnlySpan<byte> payload = data.Slice(start, (int)length);
            int index = order.IndexOf(tag);
            if (tag == PatchSection.Checksum)
            {
                throw Fail(file, $"the checksum section at offset {position} is not the last section");
            }
            else if (tag == PatchSection.Unwind)
            {
                if (parts.HasUnwind)
                {
                    throw Fail(file, $"duplicate unwind section at offset {position}");
                }

                parts.Read(tag, payload, file, limits);
            }
            else if (index < 0 && !PatchSection.MayIgnore(tag))
            {
                throw Fail(file, $"unknown required section {PatchSection.Describe(tag)} at offset {position}; " +
                    "the patch needs a newer suture; upgrade suture");
            }
            else if (index >= 0 && index < next)
            {
                throw Fail(file, $"duplicate {PatchSection.Name(tag)} section at offset {position}");
            }
            else if (index > next)
            {
                throw Fail(file, $"the {PatchSection.Name(tag)} section at offset {position} is out of order: " +
                    $"expected the {PatchSection.Name(order[next])} section next " +
                    "(order: target, metadata, functions, code, data, relocations, checksum)");
            }
            else if (index == next)
            {
                parts.Read(tag, payload, file, limits);
                next++;
            }

            position = start + (int)length;
        }

        if (next < order.Length)
        {
            throw Fail(file, $"missing required {PatchSection.Name(order[next])} section");
        }

        CheckChecksumSection(data[end..], file);
        PatchFile patch = parts.ToPatchFile();
        string? problem = PatchFileValidator.FindProblem(patch, limits);
        return problem is null ? patch : throw Fail(file, problem);
    }

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

    private static PatchFormatException Fail(string file, string message) => new($"{file}: {message}");
}
