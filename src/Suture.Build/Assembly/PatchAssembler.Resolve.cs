using Suture.Build.Diff;
using Suture.Elf;
using Suture.Format;
using Suture.X86;

namespace Suture.Build.Assembly;

internal sealed partial class PatchAssembler
{
    /// <summary>Where relocation <paramref name="relocation"/> of <paramref name="from"/> points; includes sections it needs.</summary>
    private SymbolTarget? Resolve(SectionRef from, ElfRelocation relocation)
    {
        ObjectIndex obj = from.Object;
        ObjectChanges owner = _owners[from];
        ElfSymbol? symbol = relocation.Symbol;
        if (symbol is null)
        {
            return null;
        }

        if (symbol.Type == ElfSymbolType.Tls)
        {
            return ResolveThreadLocal(from, symbol);
        }

        if (!symbol.IsDefined)
        {
            ElfSymbol? inTarget = FindInTarget(from, symbol.Name, mustExist: false);
            return inTarget is not null
                ? SymbolTarget.InObject(symbol.Name, inTarget.Value)
                : SymbolTarget.External(symbol.Name, _target.ImportVersion(symbol.Name));
        }

        if (symbol.SectionIndex >= obj.File.Sections.Count)
        {
            Refuse(from, $"references {symbol.Name}, which is not in a section");
            return null;
        }

        var section = new SectionRef(obj, obj.File.Sections[symbol.SectionIndex]);
        if (symbol.Type == ElfSymbolType.Section && (section.Section.Flags & ElfSectionFlags.Tls) != 0)
        {
            Refuse(from, $"references thread-local section {section.Section.Name} without naming a variable, which suture cannot map to the target's variable");
            return null;
        }

        if (symbol.Type == ElfSymbolType.Section)
        {
            long offset = from.IsCode ? ObjectIndex.TargetOffset(relocation, Instructions(from), 0) : relocation.Addend;
            ElfSymbol? named = obj.SymbolAt(section.Section, offset, section.IsCode ? ElfSymbolType.Func : ElfSymbolType.Object);
            return ResolveDefined(from, owner, section, named, isSectionSymbol: true);
        }

        return ResolveDefined(from, owner, section, symbol, isSectionSymbol: false);
    }

    /// <summary>
    /// A reference to something the patched object defines. Functions that the patch carries and
    /// new data resolve into the image; unchanged functions and existing variables into the target.
    /// For section symbols the value is the section's start (the addend carries the offset).
    /// </summary>
    private SymbolTarget? ResolveDefined(SectionRef from, ObjectChanges owner, SectionRef section, ElfSymbol? named, bool isSectionSymbol)
    {
        ulong inSection = isSectionSymbol || named is null ? 0 : named.Value;
        string label = named?.Name ?? section.Section.Name;
        if (section.IsCode)
        {
            if (IsIncluded(section))
            {
                return SymbolTarget.InImage(section, inSection, label);
            }

            if (named is null)
            {
                Refuse(from, $"references code in {section.Section.Name} that belongs to no function");
                return null;
            }

            if (SymbolKeys.IsColdPart(owner.Patched.KeyOf(named.Name)) || !owner.Original.Functions.ContainsKey(owner.Patched.KeyOf(named.Name)))
            {
                // The cold part of a function the patch carries goes with it; so does a function
                // the original build did not have out of line (e.g. a clone the fix creates).
                Include(section, owner);
                return SymbolTarget.InImage(section, inSection, label);
            }

            ElfSymbol? old = FindInTarget(from, OriginalName(owner, named.Name), mustExist: true);
            return old is null ? null : SymbolTarget.InObject(named.Name, old.Value - (isSectionSymbol ? named.Value : 0));
        }

        // A constant (__func__, a switch table) is the new code's data, copied with it; only state is shared with the old code.
        bool existing = named is not null && !owner.Patched.IsConstant(named) && owner.Original.Variables.ContainsKey(owner.Patched.KeyOf(named.Name));
        if (existing)
        {
            ElfSymbol? old = FindInTarget(from, OriginalName(owner, named!.Name), mustExist: true);
            return old is null ? null : SymbolTarget.InObject(named.Name, old.Value - (isSectionSymbol ? named.Value : 0));
        }

        Include(section, owner);
        return SymbolTarget.InImage(section, inSection, label);
    }

    /// <summary>
    /// A thread-local variable: one the target defines (this object's or another source file's)
    /// resolves to its offset in the target's TLS block; any other to another object's, by name.
    /// New thread-local variables were refused when the objects were compared.
    /// </summary>
    private SymbolTarget? ResolveThreadLocal(SectionRef from, ElfSymbol symbol)
    {
        ElfSymbol? inTarget = FindInTarget(from, symbol.Name, mustExist: symbol.IsDefined);
        if (inTarget is not null && inTarget.Type != ElfSymbolType.Tls)
        {
            Refuse(from, $"uses {symbol.Name} as a thread-local variable, but {_target.Name} defines it as {inTarget.Type}");
            return null;
        }

        return inTarget is not null
            ? SymbolTarget.InObject(symbol.Name, inTarget.Value)
            : symbol.IsDefined ? null : SymbolTarget.External(symbol.Name, _target.ImportVersion(symbol.Name));
    }

    /// <summary>The name the original build gave the function or variable the patched build calls <paramref name="patchedName"/> (clones are renumbered).</summary>
    private static string OriginalName(ObjectChanges owner, string patchedName)
    {
        string key = owner.Patched.KeyOf(patchedName);
        return owner.Original.Functions.GetValueOrDefault(key)?.Name ?? owner.Original.Variables.GetValueOrDefault(key)?.Name ?? patchedName;
    }

    private ElfSymbol? FindInTarget(SectionRef from, string name, bool mustExist)
    {
        ElfSymbol? symbol = _target.Find(name, from.Object.SourceFile);
        if (symbol is null && mustExist)
        {
            Refuse(from, $"references {name}, which {_target.Name} does not define (inlined everywhere or discarded by the linker)");
        }

        return symbol;
    }

    private void Refuse(SectionRef from, string reason) => _refusals.Add($"{from.Object.DisplayName}: {FunctionName(from)}: {reason}");

    private static string FunctionName(SectionRef section) =>
        section.Object.Functions.Values.FirstOrDefault(f => f.Section == section.Section)?.Name ?? section.Section.Name;

    private readonly Dictionary<SectionRef, InstructionMap> _instructions = [];

    private InstructionMap Instructions(SectionRef section)
    {
        if (!_instructions.TryGetValue(section, out InstructionMap? map))
        {
            _instructions[section] = map = InstructionMap.Decode(section.Section.Data.Span);
        }

        return map;
    }
}
