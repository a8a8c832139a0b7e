namespace Suture.Elf;

public sealed partial class ElfFile
{
    private const ulong PageSize = 4096;

    private readonly ElfSegment[] _segments;

    /// <summary>All program headers, in file order; empty for relocatable objects.</summary>
    public IReadOnlyList<ElfSegment> Segments => _segments;

    /// <summary>The lowest PT_LOAD virtual address rounded down to a page (0 for PIE and shared objects).</summary>
    public ulong LoadBase { get; }

    /// <summary>
    /// Copies the file bytes at link-time <paramref name="virtualAddress"/> through the PT_LOAD
    /// segment containing the whole range. False when no segment holds it in its file part (the
    /// range is unmapped, spans segments or lies in .bss).
    /// </summary>
    public bool TryReadAtAddress(ulong virtualAddress, Span<byte> destination)
    {
        foreach (ElfSegment segment in _segments)
        {
            if (segment.Type != ElfSegmentType.Load || virtualAddress < segment.VirtualAddress)
            {
                continue;
            }

            ulong delta = virtualAddress - segment.VirtualAddress;
            if (delta < segment.FileSize && (ulong)destination.Length <= segment.FileSize - delta)
            {
                _image.Data.Span.Slice((int)(segment.Offset + delta), destination.Length).CopyTo(destination);
                return true;
            }
        }

        return false;
    }

    private ElfSegment[] ReadSegments(in ElfHeader header)
    {
        int count = header.ProgramHeaderCount;
        if (count == 0)
        {
            return [];
        }

        if (count > _image.Limits.MaxSegments)
        {
            throw _image.Error($"program header count {count} (e_phnum) exceeds the limit of {_image.Limits.MaxSegments}");
        }

        if (header.ProgramHeaderEntrySize != ElfSegment.EntryLength)
        {
            throw _image.Error($"program header entry size {header.ProgramHeaderEntrySize} (e_phentsize at offset 0x36) is not {ElfSegment.EntryLength}");
        }

        ulong tableOffset = header.ProgramHeaderOffset;
        if (!_image.Fits(tableOffset, (ulong)count * ElfSegment.EntryLength))
        {
            throw _image.PastEnd($"program header table at offset 0x{tableOffset:x} with {count} entries");
        }

        var segments = new ElfSegment[count];
        ReadOnlySpan<byte> table = _image.Data.Span[(int)tableOffset..];
        for (int i = 0; i < count; i++)
        {
            ElfSegment segment = ElfSegment.Parse(table[(i * ElfSegment.EntryLength)..]);
            if (segment.Type != ElfSegmentType.Null && !_image.Fits(segment.Offset, segment.FileSize))
            {
                throw _image.PastEnd($"segment {i} ({segment.Type}) at offset 0x{segment.Offset:x} with file size 0x{segment.FileSize:x}");
            }

            segments[i] = segment;
        }

        return segments;
    }

    private ulong ComputeLoadBase()
    {
        ulong lowest = ulong.MaxValue;
        foreach (ElfSegment segment in _segments)
        {
            if (segment.Type == ElfSegmentType.Load && segment.VirtualAddress < lowest)
            {
                lowest = segment.VirtualAddress;
            }
        }

        return lowest == ulong.MaxValue ? 0 : lowest & ~(PageSize - 1);
    }
}
