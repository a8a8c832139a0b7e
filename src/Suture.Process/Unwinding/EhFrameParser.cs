using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

/// <summary>Decodes CIE and FDE records of .eh_frame (LSB 5.0 and the DWARF 4 call frame format).</summary>
internal static class EhFrameParser
{
    public static CommonInformationEntry ParseCie(ReadOnlySpan<byte> data, ulong address, in EhFrameEntry entry)
    {
        var reader = new DwarfCursor(data[..entry.End], ".eh_frame", entry.ContentStart + 4, address);
        byte version = reader.U8();
        if (version is not (1 or 3 or 4))
        {
            throw new DwarfFormatException($"CIE at offset 0x{entry.Offset:x} has version {version}; expected 1, 3 or 4");
        }

        string augmentation = reader.CString("augmentation");
        if (augmentation.Contains("eh", StringComparison.Ordinal))
        {
            reader.U64(); // Old GCC "eh" augmentation: a pointer to exception data.
        }

        if (version == 4)
        {
            byte addressSize = reader.U8();
            byte segmentSize = reader.U8();
            if (addressSize != 8 || segmentSize != 0)
            {
                throw new DwarfFormatException($"CIE at offset 0x{entry.Offset:x} has address size {addressSize} and segment size {segmentSize}; expected 8 and 0");
            }
        }

        ulong codeAlignment = reader.Uleb();
        long dataAlignment = reader.Sleb();
        int returnAddress = version == 1 ? reader.U8() : reader.UlebAsInt("return address register");
        byte fdeEncoding = PointerEncoding.AbsPtr;
        bool signal = false;
        bool hasData = augmentation.StartsWith('z');
        if (hasData)
        {
            int dataLength = reader.UlebAsInt("augmentation data length");
            int dataEnd = reader.Position + dataLength;
            if (dataLength > reader.Remaining)
            {
                throw new DwarfFormatException($"CIE at offset 0x{entry.Offset:x} has {dataLength} bytes of augmentation data, past its end");
            }

            foreach (char c in augmentation.AsSpan(1))
            {
                switch (c)
                {
                    case 'R':
                        fdeEncoding = reader.U8();
                        break;
                    case 'L':
                        reader.U8(); // LSDA encoding: the unwinder does not need the LSDA.
                        break;
                    case 'P':
                        byte personality = reader.U8();
                        reader.PointerValue(personality); // Skipped: its base does not matter.
                        break;
                    case 'S':
                        signal = true;
                        break;
                    default:
                        // 'B', 'G' and unknown letters carry no data we can interpret; the length lets us skip.
                        break;
                }
            }

            if (reader.Position > dataEnd)
            {
                throw new DwarfFormatException($"CIE at offset 0x{entry.Offset:x}: augmentation \"{augmentation}\" needs more than its {dataLength} bytes of data");
            }

            reader.Position = dataEnd;
        }
        else if (augmentation.Length > 0 && augmentation != "eh")
        {
            throw new DwarfFormatException($"CIE at offset 0x{entry.Offset:x} has augmentation \"{augmentation}\" without 'z'; its layout is unknown");
        }

        if (codeAlignment == 0 || codeAlignment > 1024)
        {
            throw new DwarfFormatException($"CIE at offset 0x{entry.Offset:x} has code alignment factor {codeAlignment}; expected 1..1024");
        }

        return new CommonInformationEntry
        {
            Offset = entry.Offset,
            Augmentation = augmentation,
            CodeAlignment = codeAlignment,
            DataAlignment = dataAlignment,
            ReturnAddressRegister = returnAddress,
            HasAugmentationData = hasData,
            FdeEncoding = fdeEncoding,
            IsSignalFrame = signal,
            InstructionsStart = reader.Position,
            InstructionsEnd = entry.End,
        };
    }

    public static FrameDescriptionEntry ParseFde(ReadOnlySpan<byte> data, ulong address, in EhFrameEntry entry, CommonInformationEntry cie)
    {
        var reader = new DwarfCursor(data[..entry.End], ".eh_frame", entry.ContentStart + 4, address);
        ulong begin = reader.EncodedPointer(cie.FdeEncoding);
        ulong range = reader.PointerValue(cie.FdeEncoding);
        if (range > ulong.MaxValue - begin)
        {
            throw new DwarfFormatException($"FDE at offset 0x{entry.Offset:x} covers 0x{begin:x} + 0x{range:x}, past the end of the address space");
        }

        if (cie.HasAugmentationData)
        {
            int dataLength = reader.UlebAsInt("FDE augmentation data length");
            reader.Bytes((ulong)dataLength);
        }

        return new FrameDescriptionEntry(entry.Offset, begin, begin + range, cie, reader.Position, entry.End);
    }
}
