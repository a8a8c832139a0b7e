using Suture.Format;

namespace Suture.Build.Assembly;

internal sealed partial class PatchAssembler
{
    private ulong _stubBase;
    private ulong _slotBase;

    private ulong StubOffset(SymbolTarget target) => _stubBase + (ulong)(_stubs[target] * StubSize);

    private ulong SlotOffset(SymbolTarget target) => _slotBase + (ulong)(_slots[target] * SlotSize);

    /// <summary>
    /// Code sections, stubs and the unwind table; data sections, address slots and thread-local
    /// entries; .bss sections after the data.
    /// </summary>
    private (byte[] Code, byte[] Data, ulong Bss) Layout()
    {
        var code = new List<byte>();
        foreach (SectionRef section in _included.Where(s => s.IsCode))
        {
            Pad(code, Math.Max(section.Section.Alignment, 16), 0xcc);
            _offsets[section] = (ulong)code.Count;
            code.AddRange(section.Section.Data.Span);
        }

        Pad(code, 16, 0xcc);
        _stubBase = (ulong)code.Count;
        foreach ((SymbolTarget _, int _) in _stubs)
        {
            code.AddRange([0xff, 0x25, 0, 0, 0, 0, 0xcc, 0xcc]); // jmp *slot(%rip)
        }

        // The unwind table is only read: it goes with the code, which is mapped read-only.
        Pad(code, 8, 0);
        code.AddRange(UnwindTable((ulong)code.Count));

        ulong dataOffset = PatchImage.AlignUp((ulong)code.Count, PatchImage.PageSize);
        var data = new List<byte>();
        foreach (SectionRef section in _included.Where(s => !s.IsCode && !s.IsBss))
        {
            Pad(data, section.Section.Alignment, 0);
            _offsets[section] = dataOffset + (ulong)data.Count;
            data.AddRange(section.Section.Data.Span);
        }

        Pad(data, 16, 0);
        _slotBase = dataOffset + (ulong)data.Count;
        data.AddRange(new byte[_slots.Count * SlotSize]);
        Pad(data, 16, 0);
        _threadLocalBase = dataOffset + (ulong)data.Count;
        data.AddRange(new byte[_threadLocalSize]);

        ulong bss = 0;
        foreach (SectionRef section in _included.Where(s => s.IsBss))
        {
            ulong alignment = Math.Max(section.Section.Alignment, 1);
            bss = PatchImage.AlignUp(bss, alignment);
            _offsets[section] = dataOffset + (ulong)data.Count + bss;
            bss += section.Section.Size;
        }

        return ([.. code], [.. data], bss);
    }

    private static void Pad(List<byte> bytes, ulong alignment, byte filler)
    {
        alignment = Math.Max(alignment, 1);
        while ((ulong)bytes.Count % alignment != 0)
        {
            bytes.Add(filler);
        }
    }
}
