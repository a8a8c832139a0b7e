using Microsoft.Win32.SafeHandles;

namespace Suture.Elf;

public sealed partial class ElfFile
{
    private const int MaxNoteBytes = 1024 * 1024;

    /// <summary>
    /// The Build ID of the ELF file at <paramref name="path"/>, reading only its ELF header,
    /// program headers and notes (section headers only when no PT_NOTE carries one). Null when the
    /// file is not x86-64 ELF64 or has no Build ID; meant for scanning many processes quickly.
    /// </summary>
    /// <exception cref="SutureException">The file cannot be opened or read.</exception>
    public static byte[]? ReadBuildId(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ElfFileAccess.Run(path, () =>
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ReadBuildId(handle, RandomAccess.GetLength(handle), ElfReadLimits.Default);
        });
    }

    private static byte[]? ReadBuildId(SafeFileHandle handle, long fileLength, ElfReadLimits limits)
    {
        Span<byte> headerBytes = stackalloc byte[ElfHeader.Length];
        if (ReadAt(handle, headerBytes, 0) < ElfHeader.Length || !ElfHeader.TryParse(headerBytes, out ElfHeader header, out _))
        {
            return null;
        }

        return BuildIdFromSegments(handle, fileLength, header, limits) ?? BuildIdFromSections(handle, fileLength, header, limits);
    }

    private static byte[]? BuildIdFromSegments(SafeFileHandle handle, long fileLength, in ElfHeader header, ElfReadLimits limits)
    {
        int count = header.ProgramHeaderCount;
        if (count == 0 || count > limits.MaxSegments || header.ProgramHeaderEntrySize != ElfSegment.EntryLength)
        {
            return null;
        }

        byte[]? table = ReadRange(handle, fileLength, header.ProgramHeaderOffset, (ulong)count * ElfSegment.EntryLength);
        foreach (ElfSegment segment in table is null ? [] : ElfProgramHeaders.Parse(table, ElfSegment.EntryLength))
        {
            if (segment.Type == ElfSegmentType.Note
                && segment.FileSize <= MaxNoteBytes
                && ReadRange(handle, fileLength, segment.Offset, segment.FileSize) is { } notes
                && ElfNotes.FindBuildId(notes, segment.Alignment) is { } id)
            {
                return id;
            }
        }

        return null;
    }

    private static byte[]? BuildIdFromSections(SafeFileHandle handle, long fileLength, in ElfHeader header, ElfReadLimits limits)
    {
        int count = header.SectionHeaderCount;
        if (header.SectionHeaderOffset == 0 || count == 0 || count > limits.MaxSections || header.SectionHeaderEntrySize != ElfSectionHeader.EntryLength)
        {
            return null;
        }

        byte[]? table = ReadRange(handle, fileLength, header.SectionHeaderOffset, (ulong)count * ElfSectionHeader.EntryLength);
        for (int i = 0; table is not null && i < count; i++)
        {
            ElfSectionHeader section = ElfSectionHeader.Parse(table.AsSpan(i * ElfSectionHeader.EntryLength));
            if (section.Type == ElfSectionType.Note
                && section.Size <= MaxNoteBytes
                && ReadRange(handle, fileLength, section.Offset, section.Size) is { } notes
                && ElfNotes.FindBuildId(notes, section.Alignment) is { } id)
            {
                return id;
            }
        }

        return null;
    }

    private static byte[]? ReadRange(SafeFileHandle handle, long fileLength, ulong offset, ulong size)
    {
        if (offset > (ulong)fileLength || size > (ulong)fileLength - offset)
        {
            return null;
        }

        var buffer = new byte[size];
        return ReadAt(handle, buffer, (long)offset) == buffer.Length ? buffer : null;
    }

    private static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
