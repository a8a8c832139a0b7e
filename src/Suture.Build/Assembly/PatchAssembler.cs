using Suture.Build.Diff;
using Suture.Elf;
using Suture.Format;
using Suture.X86;

namespace Suture.Build.Assembly;

/// <summary>
/// Turns the changed and new functions of the patched objects into a patch image: copies their
/// sections and the data they reference (string literals, constants, new variables), decides for
/// every relocation whether it points into the patch, into the target, or into another library
/// (through a jump stub or an address slot the patch carries), and describes each redirect.
/// </summary>
internal sealed partial class PatchAssembler
{
    private readonly TargetBinary _target;
    private readonly List<SectionRef> _included = [];
    private readonly HashSet<SectionRef> _includedSet = [];
    private readonly Dictionary<SymbolTarget, int> _stubs = [];
    private readonly Dictionary<SymbolTarget, int> _slots = [];
    private readonly Dictionary<SectionRef, ulong> _offsets = [];
    private readonly Dictionary<SectionRef, ObjectChanges> _owners = [];
    private readonly List<string> _refusals = [];

    public PatchAssembler(TargetBinary target, IReadOnlyList<ObjectChanges> changes)
    {
        _target = target;
        Changes = changes;
        foreach (ObjectChanges change in changes)
        {
            foreach (ObjectFunction function in change.Changed.Concat(change.Added))
            {
                Include(new SectionRef(change.Patched, function.Section), change);
            }
        }
    }

    public IReadOnlyList<ObjectChanges> Changes { get; }

    /// <summary>Builds the image and function table, or throws listing every refusal.</summary>
    public (PatchImage Image, IReadOnlyList<PatchFunction> Functions, IReadOnlyList<PatchRelocation> Relocations, PatchUnwindTable? Unwind) Assemble()
    {
        // Pass 1: follow references until no new section is needed; collect stubs and slots.
        for (int i = 0; i < _included.Count; i++)
        {
            foreach (ElfRelocation relocation in _included[i].Object.File.GetRelocations(_included[i].Section))
            {
                Classify(_included[i], relocation);
            }

            if (_included[i].IsCode)
            {
                IncludeUnwind(_included[i]);
            }
        }

        ThrowIfRefused();
        (byte[] code, byte[] data, ulong bss) = Layout();

        // Pass 2: emit relocations against the final layout.
        var relocations = new List<PatchRelocation>();
        foreach (SectionRef section in _included)
        {
            foreach (ElfRelocation relocation in section.Object.File.GetRelocations(section.Section))
            {
                relocations.AddRange(Emit(section, relocation));
            }
        }

        relocations.AddRange(StubRelocations());
        relocations.AddRange(ThreadLocalSlotRelocations());
        relocations.AddRange(UnwindRelocations());
        IReadOnlyList<PatchFunction> functions = Redirects();
        ThrowIfRefused();
        return (new PatchImage(code, data, bss), functions, relocations, Unwind);
    }

    private void Include(SectionRef section, ObjectChanges owner)
    {
        if (_includedSet.Add(section))
        {
            _included.Add(section);
            _owners[section] = owner;
        }
    }

    private bool IsIncluded(SectionRef section) => _includedSet.Contains(section);

    private void ThrowIfRefused()
    {
        if (_refusals.Count > 0)
        {
            throw new SutureException(
                "cannot build a live patch:\n  " + string.Join("\n  ", _refusals.Distinct()),
                ExitCode.Unpatchable);
        }
    }
}
