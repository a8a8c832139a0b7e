using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Suture.Build.Diff;
using Suture.Elf;
using Suture.Format;

namespace Suture.Build.Assembly;

/// <summary>
/// The new code's unwind table: the FDEs of every code section the patch carries, with their
/// CIEs, copied from the objects' <c>.eh_frame</c> into one table after the code (it is only
/// read, and the code is mapped read-only), ended by a zero terminator. Their relocations
/// (initial locations, personality routines, language-specific data in <c>.gcc_except_table</c>)
/// are followed like the code's, so apply can register the table and C++ exceptions unwind
/// through the new code.
/// </summary>
internal sealed partial class PatchAssembler
{
    private readonly Dictionary<ObjectIndex, EhFrameRecords> _ehFrames = [];
    private readonly List<ObjectIndex> _ehFrameOrder = [];
    private readonly HashSet<(ObjectIndex Object, int Start)> _unwindKept = [];
    private readonly Dictionary<(ObjectIndex Object, int Start), ulong> _unwindPositions = [];
    private ulong _unwindBase;
    private ulong _unwindSize;

    /// <summary>Pass 1: keeps the FDEs of <paramref name="code"/> and their CIEs, and follows their references.</summary>
    private void IncludeUnwind(SectionRef code)
    {
        EhFrameRecords frames = EhFrames(code.Object);
        if (frames.Section is null)
        {
            return;
        }

        var ehFrame = new SectionRef(code.Object, frames.Section);
        _owners.TryAdd(ehFrame, _owners[code]);
        foreach (EhFrameRecord fde in frames.Records.Where(r => !r.IsCie && r.Code == code.Section))
        {
            EhFrameRecord cie = frames.Records.First(r => r.IsCie && r.Start == fde.CieStart);
            foreach (EhFrameRecord record in new[] { cie, fde })
            {
                if (!_unwindKept.Add((code.Object, record.Start)))
                {
                    continue;
                }

                foreach (ElfRelocation relocation in frames.Relocations.Where(r => record.Contains(r.Offset)))
                {
                    Classify(ehFrame, relocation);
                }
            }
        }
    }

    /// <summary>Layout: the table placed at image offset <paramref name="at"/>; empty when no FDE was kept.</summary>
    private byte[] UnwindTable(ulong at)
    {
        _unwindBase = at;
        var table = new List<byte>();
        foreach ((ObjectIndex obj, EhFrameRecords frames, EhFrameRecord record) in KeptRecords())
        {
            int position = table.Count;
            _unwindPositions[(obj, record.Start)] = (ulong)position;
            table.AddRange(frames.Section!.Data.Span.Slice(record.Start, record.Length));
            if (!record.IsCie)
            {
                ulong cie = _unwindPositions[(obj, record.CieStart)];
                // The CIE pointer: distance back from the pointer field to the CIE.
                int pointer = position + record.HeaderLength;
                BinaryPrimitives.WriteUInt32LittleEndian(CollectionsMarshal.AsSpan(table).Slice(pointer, 4), (uint)((ulong)pointer - cie));
            }
        }

        if (table.Count == 0)
        {
            return [];
        }

        table.AddRange(new byte[4]);
        _unwindSize = (ulong)table.Count;
        return [.. table];
    }

    /// <summary>Pass 2: the relocations of the kept records, at their places in the table.</summary>
    private IEnumerable<PatchRelocation> UnwindRelocations()
    {
        foreach ((ObjectIndex obj, EhFrameRecords frames, EhFrameRecord record) in KeptRecords())
        {
            var ehFrame = new SectionRef(obj, frames.Section!);
            ulong position = _unwindBase + _unwindPositions[(obj, record.Start)];
            foreach (ElfRelocation relocation in frames.Relocations.Where(r => record.Contains(r.Offset)))
            {
                foreach (PatchRelocation emitted in Emit(ehFrame, relocation, position + relocation.Offset - (ulong)record.Start))
                {
                    yield return emitted;
                }
            }
        }
    }

    /// <summary>The kept CIEs and FDEs in table order: objects as first met, records as in each object.</summary>
    private IEnumerable<(ObjectIndex Object, EhFrameRecords Frames, EhFrameRecord Record)> KeptRecords() =>
        from obj in _ehFrameOrder
        let frames = _ehFrames[obj]
        from record in frames.Records
        where _unwindKept.Contains((obj, record.Start))
        select (obj, frames, record);

    private PatchUnwindTable? Unwind => _unwindSize == 0 ? null : new PatchUnwindTable(_unwindBase, _unwindSize);

    private EhFrameRecords EhFrames(ObjectIndex obj)
    {
        if (!_ehFrames.TryGetValue(obj, out EhFrameRecords? frames))
        {
            _ehFrames[obj] = frames = EhFrameRecords.Read(obj.File, obj.DisplayName);
            _ehFrameOrder.Add(obj);
        }

        return frames;
    }
}
