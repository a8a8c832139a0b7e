using Suture.Elf;
using Suture.Format;
using R = Suture.Elf.X86_64RelocationType;

namespace Suture.Build.Assembly;

internal sealed partial class PatchAssembler
{
    private const int StubSize = 8;
    private const int SlotSize = 8;

    private void Classify(SectionRef from, ElfRelocation relocation)
    {
        SymbolTarget? target = Resolve(from, relocation);
        if (target is null || relocation.Type == R.None)
        {
            return;
        }

        if (IsThreadLocal(relocation.Type))
        {
            ClassifyThreadLocal(from, relocation, target);
            return;
        }

        switch (relocation.Type)
        {
            case R.R64 or R.Pc64 or R.R32 or R.R32S or R.Pc32 or R.Plt32:
                if (target.Kind != PatchSymbolKind.External || relocation.Type is R.R64)
                {
                    return;
                }

                if (relocation.Type == R.Plt32 || IsCallOrJump(from, relocation))
                {
                    _slots.TryAdd(target, _slots.Count);
                    _stubs.TryAdd(target, _stubs.Count);
                }
                else
                {
                    Refuse(from, $"references {target.Name} of another library as data ({R.Name(relocation.Type)}); the target has no copy of it to reach");
                }

                return;
            case R.GotPcRel or R.GotPcRelX or R.RexGotPcRelX:
                _slots.TryAdd(target, _slots.Count);
                return;
            default:
                Refuse(from, $"uses relocation {R.Name(relocation.Type)} against {target.Name}, which suture does not support yet");
                return;
        }
    }

    private IEnumerable<PatchRelocation> Emit(SectionRef from, ElfRelocation relocation) => Emit(from, relocation, _offsets[from] + relocation.Offset);

    /// <summary>The patch's relocations for <paramref name="relocation"/> of <paramref name="from"/>, whose field is at image offset <paramref name="place"/>.</summary>
    private IEnumerable<PatchRelocation> Emit(SectionRef from, ElfRelocation relocation, ulong place)
    {
        SymbolTarget? target = Resolve(from, relocation);
        if (target is null || relocation.Type == R.None)
        {
            yield break;
        }

        if (IsThreadLocal(relocation.Type))
        {
            foreach (PatchRelocation threadLocal in EmitThreadLocal(place, relocation, target))
            {
                yield return threadLocal;
            }

            yield break;
        }

        switch (relocation.Type)
        {
            case R.GotPcRel or R.GotPcRelX or R.RexGotPcRelX:
                yield return new PatchRelocation(place, PatchRelocationKind.Pc32, PatchSymbolKind.Image, target.Name, SlotOffset(target), relocation.Addend);
                break;
            case R.Pc32 or R.Plt32 when target.Kind == PatchSymbolKind.External:
                yield return new PatchRelocation(place, PatchRelocationKind.Pc32, PatchSymbolKind.Image, target.Name, StubOffset(target), relocation.Addend);
                break;
            default:
                PatchRelocationKind kind = relocation.Type switch
                {
                    R.R64 => PatchRelocationKind.Abs64,
                    R.Pc64 => PatchRelocationKind.Pc64,
                    R.R32 => PatchRelocationKind.Abs32,
                    R.R32S => PatchRelocationKind.Abs32S,
                    _ => PatchRelocationKind.Pc32,
                };
                yield return Relocation(place, kind, target, relocation.Addend);
                break;
        }
    }

    /// <summary>Each stub is <c>jmp *slot(%rip)</c>; each slot holds the absolute address of its symbol.</summary>
    private IEnumerable<PatchRelocation> StubRelocations()
    {
        foreach ((SymbolTarget target, int _) in _slots)
        {
            yield return Relocation(SlotOffset(target), PatchRelocationKind.Abs64, target, 0);
        }

        foreach ((SymbolTarget target, int _) in _stubs)
        {
            yield return new PatchRelocation(StubOffset(target) + 2, PatchRelocationKind.Pc32, PatchSymbolKind.Image, target.Name, SlotOffset(target), -4);
        }
    }

    private PatchRelocation Relocation(ulong place, PatchRelocationKind kind, SymbolTarget target, long addend) => target.Kind switch
    {
        PatchSymbolKind.Image => new PatchRelocation(place, kind, PatchSymbolKind.Image, target.Name, _offsets[target.Section!] + target.Value, addend),
        PatchSymbolKind.Object => new PatchRelocation(place, kind, PatchSymbolKind.Object, target.Name, target.Value, addend),
        _ => new PatchRelocation(place, kind, PatchSymbolKind.External, target.Name, 0, addend, target.Version),
    };

    private static bool IsCallOrJump(SectionRef from, ElfRelocation relocation)
    {
        ReadOnlySpan<byte> code = from.Section.Data.Span;
        return relocation.Offset >= 1 && relocation.Offset <= (ulong)code.Length && code[(int)relocation.Offset - 1] is 0xe8 or 0xe9;
    }
}
