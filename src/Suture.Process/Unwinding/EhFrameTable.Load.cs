using Suture.Elf;
using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

public sealed partial class EhFrameTable
{
    /// <summary>
    /// The table of <paramref name="file"/>: its .eh_frame with .eh_frame_hdr, or, in a file without
    /// section headers, the data the PT_GNU_EH_FRAME segment leads to. Null when it has neither.
    /// </summary>
    public static EhFrameTable? Load(ElfFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        ElfSection? frame = file.FindSection(".eh_frame");
        ElfSection? header = file.FindSection(".eh_frame_hdr");
        if (frame is not null && !frame.Data.IsEmpty)
        {
            return header is null || header.Data.IsEmpty
                ? new EhFrameTable(frame.Data, frame.Address)
                : new EhFrameTable(frame.Data, frame.Address, header.Data, header.Address);
        }

        return LoadFromSegment(file);
    }

    private static EhFrameTable? LoadFromSegment(ElfFile file)
    {
        ElfSegment? segment = file.Segments.FirstOrDefault(s => s.Type == ElfSegmentType.GnuEhFrame);
        if (segment is null || segment.FileSize is 0 or > int.MaxValue)
        {
            return null;
        }

        byte[] header = new byte[segment.FileSize];
        if (!file.TryReadAtAddress(segment.VirtualAddress, header))
        {
            return null;
        }

        ulong frameAddress;
        try
        {
            var reader = new DwarfCursor(header, ".eh_frame_hdr", 4, segment.VirtualAddress);
            frameAddress = reader.EncodedPointer(header[1], ".eh_frame pointer", segment.VirtualAddress, hasDataBase: true);
        }
        catch (DwarfFormatException)
        {
            return null;
        }

        // Without section headers the length of .eh_frame is unknown: take the rest of its segment;
        // the scan stops at the zero terminator the linker writes.
        ElfSegment? load = file.Segments.FirstOrDefault(s => s.Type == ElfSegmentType.Load
            && frameAddress >= s.VirtualAddress && frameAddress - s.VirtualAddress < s.FileSize);
        if (load is null)
        {
            return null;
        }

        ulong length = Math.Min(load.FileSize - (frameAddress - load.VirtualAddress), int.MaxValue);
        byte[] frame = new byte[length];
        return file.TryReadAtAddress(frameAddress, frame)
            ? new EhFrameTable(frame, frameAddress, header, segment.VirtualAddress)
            : null;
    }
}
