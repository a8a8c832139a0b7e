using Suture.Elf;
using Suture.Format;
using R = Suture.Elf.X86_64RelocationType;

namespace Suture.Build.Assembly;

/// <summary>
/// Thread-local references of new code, in each access model gcc emits. The linker would turn
/// them into GOT entries filled by the dynamic linker; the patch carries its own entries instead,
/// which apply fills with what the dynamic linker computed for the process (module IDs, offsets).
/// </summary>
internal sealed partial class PatchAssembler
{
    private readonly Dictionary<(SymbolTarget Target, ThreadLocalSlotKind Kind), ulong> _threadLocalSlots = [];
    private ulong _threadLocalBase;
    private ulong _threadLocalSize;

    private static bool IsThreadLocal(uint type) => type is R.TpOff32 or R.GotTpOff or R.TlsGd or R.TlsLd or R.DtpOff32 or R.DtpOff64
        or R.GotPc32TlsDesc or R.TlsDescCall or R.DtpMod64 or R.TpOff64;

    private void ClassifyThreadLocal(SectionRef from, ElfRelocation relocation, SymbolTarget target)
    {
        switch (relocation.Type)
        {
            case R.GotTpOff:
                AddThreadLocalSlot(target, ThreadLocalSlotKind.TpOffset);
                break;
            case R.TlsGd:
                AddThreadLocalSlot(target, ThreadLocalSlotKind.Variable);
                break;
            case R.TlsLd:
                AddThreadLocalSlot(ModuleTarget, ThreadLocalSlotKind.Module);
                break;
            case R.TpOff32 when !_target.IsExecutable:
                Refuse(from, $"uses local-exec access (R_X86_64_TPOFF32) to {target.Name} in {_target.Name}, which is not an executable");
                break;
            case R.DtpOff32 or R.DtpOff64 when target.Kind == PatchSymbolKind.External:
                Refuse(from, $"uses a local-dynamic offset ({R.Name(relocation.Type)}) of {target.Name}, which {_target.Name} does not define");
                break;
            case R.TpOff32 or R.DtpOff32 or R.DtpOff64:
                break;
            case R.GotPc32TlsDesc or R.TlsDescCall:
                Refuse(from, $"uses TLS descriptors ({R.Name(relocation.Type)}) for {target.Name}; build the fix with -mtls-dialect=gnu");
                break;
            default:
                Refuse(from, $"uses relocation {R.Name(relocation.Type)} against {target.Name}, which suture does not support");
                break;
        }
    }

    private IEnumerable<PatchRelocation> EmitThreadLocal(ulong place, ElfRelocation relocation, SymbolTarget target) => relocation.Type switch
    {
        R.GotTpOff => [ImageReference(place, target, ThreadLocalSlotKind.TpOffset, relocation.Addend)],
        R.TlsGd => [ImageReference(place, target, ThreadLocalSlotKind.Variable, relocation.Addend)],
        R.TlsLd => [ImageReference(place, ModuleTarget, ThreadLocalSlotKind.Module, relocation.Addend)],
        R.TpOff32 => [Relocation(place, PatchRelocationKind.TpOff32, target, relocation.Addend)],
        R.DtpOff32 => [Relocation(place, PatchRelocationKind.DtpOff32, target, relocation.Addend)],
        R.DtpOff64 => [Relocation(place, PatchRelocationKind.DtpOff64, target, relocation.Addend)],
        _ => [],
    };

    /// <summary>The dynamic linker's work for the patch's own thread-local entries.</summary>
    private IEnumerable<PatchRelocation> ThreadLocalSlotRelocations()
    {
        foreach (((SymbolTarget target, ThreadLocalSlotKind kind), ulong offset) in _threadLocalSlots)
        {
            ulong place = _threadLocalBase + offset;
            switch (kind)
            {
                case ThreadLocalSlotKind.TpOffset:
                    yield return Relocation(place, PatchRelocationKind.TpOff64, target, 0);
                    break;
                case ThreadLocalSlotKind.Variable:
                    yield return Relocation(place, PatchRelocationKind.DtpMod64, target, 0);
                    yield return Relocation(place + 8, PatchRelocationKind.DtpOff64, target, 0);
                    break;
                default:
                    yield return Relocation(place, PatchRelocationKind.DtpMod64, target, 0);
                    break;
            }
        }
    }

    /// <summary>Stands for the patched object itself in local-dynamic accesses.</summary>
    private static SymbolTarget ModuleTarget { get; } = SymbolTarget.InObject("(module)", 0);

    private void AddThreadLocalSlot(SymbolTarget target, ThreadLocalSlotKind kind)
    {
        if (_threadLocalSlots.TryAdd((target, kind), _threadLocalSize))
        {
            _threadLocalSize += kind == ThreadLocalSlotKind.TpOffset ? 8UL : 16UL;
        }
    }

    private PatchRelocation ImageReference(ulong place, SymbolTarget target, ThreadLocalSlotKind kind, long addend) =>
        new(place, PatchRelocationKind.Pc32, PatchSymbolKind.Image, target.Name, _threadLocalBase + _threadLocalSlots[(target, kind)], addend);
}
