using System.Buffers.Binary;

namespace Suture.Format.Writing;

/// <summary>
/// Re-lays a patch file with one optional section replaced or added, for sections the model does
/// not carry (the <c>sign</c> section of Suture.Trust): every other section is kept byte for byte,
/// in order, the new one goes last before <c>HASH</c>, and the header's file length and the
/// checksum are made to match.
/// </summary>
public static partial class PatchWriter
{
    /// <summary>
    /// The file of <paramref name="document"/> without any section named <paramref name="name"/>,
    /// with one such section holding <paramref name="payload"/> appended after the others, then a
    /// new HASH section.
    /// </summary>
    /// <param name="placed">Where the new section lies in the returned file.</param>
    /// <exception cref="ArgumentException">
    /// The name is not four printable ASCII characters, or names a required section (upper-case
    /// first letter: those are written from the model, in their fixed order), or the file would be
    /// larger than <see cref="PatchReadLimits.MaxFileSize"/> of the defaults.
    /// </exception>
    public static byte[] WithSection(PatchDocument document, string name, ReadOnlySpan<byte> payload, out PatchFileSection placed)
    {
        ArgumentNullException.ThrowIfNull(document);
        uint tag = PatchFileSection.TagOf(name);
        if (!PatchSection.MayIgnore(tag))
        {
            throw new ArgumentException($"'{name}' is a required section's name; only optional sections (lower-case first letter) are added or replaced", nameof(name));
        }

        ReadOnlySpan<byte> file = document.Bytes.Span;
        int headerSize = document.Sections[0].Offset;
        long total = headerSize + PatchFormat.SectionHeaderSize + (long)payload.Length + PatchFormat.ChecksumSectionSize;
        foreach (PatchFileSection section in document.Sections)
        {
            total += section.Tag == tag || section.Tag == PatchSection.Checksum ? 0 : section.End - section.Offset;
        }

        if (total > PatchReadLimits.Default.MaxFileSize)
        {
            throw new ArgumentException($"{document.Path}: with a {payload.Length}-byte {name} section the file would be {total} bytes, more than the limit of {PatchReadLimits.Default.MaxFileSize}", nameof(payload));
        }

        var result = new byte[total];
        file[..headerSize].CopyTo(result);
        int at = headerSize;
        foreach (PatchFileSection section in document.Sections)
        {
            if (section.Tag != tag && section.Tag != PatchSection.Checksum)
            {
                file[section.Offset..section.End].CopyTo(result.AsSpan(at));
                at += section.End - section.Offset;
            }
        }

        placed = new PatchFileSection(tag, at, at + PatchFormat.SectionHeaderSize, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(at), tag);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(at + 4), (ulong)payload.Length);
        payload.CopyTo(result.AsSpan(placed.PayloadOffset));
        at = placed.End;
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(at), PatchSection.Checksum);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(at + 4), PatchFormat.ChecksumSize);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(PatchFormat.FileLengthOffset), (ulong)total);
        Seal(result);
        return result;
    }

    /// <summary>
    /// Recomputes the checksum a file ends with, after bytes of it were filled in (a signature
    /// value computed over the bytes before it, once <see cref="WithSection"/> has laid them out).
    /// </summary>
    /// <exception cref="ArgumentException">The bytes do not end with a HASH section or disagree with the header's file length.</exception>
    public static void Seal(Span<byte> file)
    {
        if (file.Length < PatchFormat.MinFileSize
            || BinaryPrimitives.ReadUInt64LittleEndian(file[PatchFormat.FileLengthOffset..]) != (ulong)file.Length
            || BinaryPrimitives.ReadUInt32LittleEndian(file[^PatchFormat.ChecksumSectionSize..]) != PatchSection.Checksum
            || BinaryPrimitives.ReadUInt64LittleEndian(file[(file.Length - PatchFormat.ChecksumSectionSize + 4)..]) != PatchFormat.ChecksumSize)
        {
            throw new ArgumentException("not a laid-out patch file: it must end with its HASH section and match the header's file length", nameof(file));
        }

        Sha256.HashData(file[..^PatchFormat.ChecksumSize], file[^PatchFormat.ChecksumSize..]);
    }
}
