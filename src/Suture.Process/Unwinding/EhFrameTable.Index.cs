using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

public sealed partial class EhFrameTable
{
    private bool TryIndexFromHeader(ReadOnlySpan<byte> header, ulong headerAddress, out string? problem)
    {
        try
        {
            var reader = new DwarfCursor(header, ".eh_frame_hdr", 0, headerAddress);
            byte version = reader.U8();
            byte framePointerEncoding = reader.U8();
            byte countEncoding = reader.U8();
            byte tableEncoding = reader.U8();
            if (version != 1)
            {
                problem = $".eh_frame_hdr has version {version}, expected 1";
                return false;
            }

            ulong framePointer = reader.EncodedPointer(framePointerEncoding, ".eh_frame pointer", headerAddress, hasDataBase: true);
            if (framePointer != Address)
            {
                problem = $".eh_frame_hdr points to .eh_frame at 0x{framePointer:x}, but it is at 0x{Address:x}";
                return false;
            }

            if (countEncoding == PointerEncoding.Omit || tableEncoding == PointerEncoding.Omit)
            {
                problem = ".eh_frame_hdr has no search table";
                return false;
            }

            ulong count = reader.EncodedPointer(countEncoding, "FDE count", headerAddress, hasDataBase: true);
            int entrySize = FixedSize(tableEncoding);
            if (entrySize == 0 || count > (ulong)(reader.Remaining / (2 * entrySize)) || count > MaxFdes)
            {
                problem = $".eh_frame_hdr claims {count} entries of encoding 0x{tableEncoding:x2}, which do not fit in its {reader.Remaining} remaining bytes";
                return false;
            }

            var starts = new ulong[(int)count];
            var offsets = new int[(int)count];
            bool sorted = true;
            for (int i = 0; i < starts.Length; i++)
            {
                starts[i] = reader.EncodedPointer(tableEncoding, "search table start", headerAddress, hasDataBase: true);
                ulong fde = reader.EncodedPointer(tableEncoding, "search table FDE", headerAddress, hasDataBase: true);
                if (fde < Address || fde - Address >= (ulong)_data.Length)
                {
                    problem = $".eh_frame_hdr entry {i} points to an FDE at 0x{fde:x}, outside .eh_frame (0x{Address:x}, {_data.Length} bytes)";
                    return false;
                }

                offsets[i] = (int)(fde - Address);
                sorted &= i == 0 || starts[i - 1] <= starts[i];
            }

            if (!sorted)
            {
                Array.Sort(starts, offsets);
            }

            (_starts, _offsets) = (starts, offsets);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is DwarfFormatException or ArithmeticException)
        {
            problem = $".eh_frame_hdr is malformed: {e.Message}";
            return false;
        }
    }

    private static int FixedSize(byte encoding) => (encoding & PointerEncoding.FormatMask) switch
    {
        PointerEncoding.UData2 or PointerEncoding.SData2 => 2,
        PointerEncoding.UData4 or PointerEncoding.SData4 => 4,
        PointerEncoding.UData8 or PointerEncoding.SData8 or PointerEncoding.AbsPtr => 8,
        _ => 0,
    };

    private void IndexByScanning()
    {
        var starts = new List<ulong>();
        var offsets = new List<int>();
        ReadOnlySpan<byte> data = _data.Span;
        int offset = 0;
        try
        {
            while (EhFrameEntry.Next(data, ref offset, out EhFrameEntry entry))
            {
                if (entry.IsCie)
                {
                    _cies[entry.Offset] = EhFrameParser.ParseCie(data, Address, entry);
                }
                else
                {
                    FrameDescriptionEntry fde = EhFrameParser.ParseFde(data, Address, entry, GetCie(entry.CieOffset));
                    if (fde.PcEnd > fde.PcBegin)
                    {
                        if (starts.Count >= MaxFdes)
                        {
                            throw new DwarfFormatException($"more than {MaxFdes} FDEs");
                        }

                        _fdes[entry.Offset] = fde;
                        starts.Add(fde.PcBegin);
                        offsets.Add(entry.Offset);
                    }
                }
            }
        }
        catch (Exception e) when (e is DwarfFormatException or ArithmeticException)
        {
            ParseError = $".eh_frame at 0x{Address:x}: {e.Message}";
        }

        _starts = [.. starts];
        _offsets = [.. offsets];
        Array.Sort(_starts, _offsets);
    }
}
