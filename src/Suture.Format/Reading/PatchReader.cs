using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Suture.Format.Validation;

namespace Suture.Format.Reading;

/// <summary>
/// Reads v1 patch files (docs/patch-format.md): checks the header and checksum, walks the sections
/// in order, decodes each payload, then checks the whole against <see cref="PatchValidator"/>.
/// Input is untrusted: whatever the bytes, the only exception thrown is
/// <see cref="PatchFormatException"/>, and nothing is allocated before the count or length that
/// asks for it has been checked against the input left and the limits. Files are loaded through
/// <see cref="PatchDocument.Load"/>; this reads bytes already in memory.
/// </summary>
internal static partial class PatchReader
{
    /// <param name="data">The whole file.</param>
    /// <param name="name">File name for messages; "patch" when null.</param>
    /// <param name="limits">Caps on declared sizes; <see cref="PatchReadLimits.Default"/> when null.</param>
    /// <param name="layout">When given, receives every section walked, in file order, the final HASH included.</param>
    /// <exception cref="PatchFormatException">The bytes are not a valid v1 patch.</exception>
    public static PatchFile Read(ReadOnlySpan<byte> data, string? name = null, PatchReadLimits? limits = null, List<PatchFileSection>? layout = null)
    {
        string file = name ?? "patch";
        limits ??= PatchReadLimits.Default;
        int headerSize = CheckHeaderAndChecksum(data, file, limits);
        int end = data.Length - PatchFormat.ChecksumSectionSize;
        var sections = new Sections();
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
            layout?.Add(new PatchFileSection(tag, position, start, (int)length));
            int index = order.IndexOf(tag);
            if (tag == PatchSection.Checksum)
            {
                throw Fail(file, $"the checksum section at offset {position} is not the last section");
            }
            else if (tag == PatchSection.Unwind)
            {
                if (sections.HasUnwind)
                {
                    throw Fail(file, $"duplicate unwind section at offset {position}");
                }

                sections.Read(tag, payload, file, limits);
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
                sections.Read(tag, payload, file, limits);
                next++;
            }

            position = start + (int)length;
        }

        if (next < order.Length)
        {
            throw Fail(file, $"missing required {PatchSection.Name(order[next])} section");
        }

        CheckChecksumSection(data[end..], file);
        layout?.Add(new PatchFileSection(PatchSection.Checksum, end, end + PatchFormat.SectionHeaderSize, PatchFormat.ChecksumSize));
        PatchFile patch = sections.ToPatchFile();
        string? problem = PatchValidator.FindProblem(patch, limits);
        return problem is null ? patch : throw Fail(file, problem);
    }

    /// <summary>Like <see cref="Read"/>, but reports a bad file as <paramref name="error"/> instead of throwing.</summary>
    public static bool TryRead(
        ReadOnlySpan<byte> data,
        string? name,
        [NotNullWhen(true)] out PatchFile? patch,
        [NotNullWhen(false)] out string? error,
        PatchReadLimits? limits = null)
    {
        try
        {
            patch = Read(data, name, limits);
            error = null;
            return true;
        }
        catch (PatchFormatException e)
        {
            patch = null;
            error = e.Message;
            return false;
        }
    }

    private static PatchFormatException Fail(string file, string message) => new($"{file}: {message}");
}
