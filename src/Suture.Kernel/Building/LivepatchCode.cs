using System.Text;
using Suture.Build.Diff;
using Suture.Elf;
using Suture.Kernel.ModuleElf;
using Suture.X86;

namespace Suture.Kernel.Building;

/// <summary>
/// The relocatable object that carries a kernel patch's code: the sections of the changed and new
/// functions of each object, copied from the patched build (function and data sections), with the
/// data only they use (string literals, constants, new variables) and their ORC unwind entries.
/// Each reference is redirected: to another copied function; to a symbol the kernel exports, by
/// name; to anything else in vmlinux (static functions and variables of the same file, globals it
/// does not export) through an undefined <c>.klp.sym.vmlinux.NAME,POS</c> symbol, which
/// <see cref="KlpRelocations"/> turns into a livepatch relocation once kbuild has linked the module.
/// </summary>
internal sealed class LivepatchCode
{
    /// <summary>
    /// Tables the kernel reads about code whose entries for the copied code the module cannot carry
    /// yet, and without which that code would misbehave (a WARN would oops, a user-access fault
    /// would not be fixed up, a static key or alternative would keep its default). Others are
    /// safe to leave behind: references from other code and data (callers keep calling the old
    /// function, which livepatch redirects), and lists the copied code works without
    /// (<c>__mcount_loc</c>, <c>.return_sites</c>, <c>.retpoline_sites</c>, <c>.call_sites</c>,
    /// <c>.static_call_sites</c>: it calls through the thunks and trampolines).
    /// </summary>
    private static readonly string[] UncarriedTables = ["__bug_table", "__ex_table", "__jump_table", ".altinstructions", ".altinstr_replacement", ".altinstr_aux"];

    private sealed class Symbol
    {
        public required string Name { get; init; }
        public bool Global { get; init; }
        public byte Type { get; init; }
        public int Section { get; init; } // draft index + 1, 0 = undefined
        public ulong Value { get; init; }
        public ulong Size { get; init; }
        public int Index { get; set; }
    }

    private sealed record Relocation(ulong Offset, uint Type, Symbol Target, long Addend);

    private readonly KernelSymbols _kernel;
    private readonly List<SectionDraft> _sections = [];
    private readonly List<List<Relocation>> _relocations = [];
    private readonly List<Symbol> _symbols = [];
    private readonly Dictionary<string, Symbol> _external = new(StringComparer.Ordinal);
    private readonly List<string> _refusals = [];
    private readonly List<KlpFunction> _functions = [];
    private readonly List<byte> _orcIp = [];
    private readonly List<byte> _orc = [];
    private readonly List<Relocation> _orcIpRelocations = [];

    private LivepatchCode(KernelSymbols kernel) => _kernel = kernel;

    public IReadOnlyList<string> Refusals => _refusals;

    public IReadOnlyList<KlpFunction> Functions => _functions;

    public static LivepatchCode Generate(IReadOnlyList<ObjectChanges> changes, KernelSymbols kernel)
    {
        var code = new LivepatchCode(kernel);
        int objectNumber = 0;
        foreach (ObjectChanges change in changes)
        {
            new ObjectCopy(code, change, objectNumber++).Run();
        }

        return code;
    }

    /// <summary>The object's bytes (ET_REL, x86-64).</summary>
    public byte[] Write()
    {
        if (_orcIp.Count > 0)
        {
            AddSection(new SectionDraft { Name = ".orc_unwind_ip", Type = SectionDraft.ProgBits, Flags = SectionDraft.FlagAlloc, Data = [.. _orcIp], Alignment = 4 }, out List<Relocation> ip);
            ip.AddRange(_orcIpRelocations);
            AddSection(new SectionDraft { Name = ".orc_unwind", Type = SectionDraft.ProgBits, Flags = SectionDraft.FlagAlloc, Data = [.. _orc], Alignment = 2 }, out _);
        }

        // Local symbols first (the null symbol, then one per section), globals after: ELF requires that order.
        var ordered = new List<Symbol> { new() { Name = "" } };
        ordered.AddRange(_sections.Select((s, i) => new Symbol { Name = "", Type = 3, Section = i + 1 }));
        ordered.AddRange(_symbols.Where(s => !s.Global));
        int firstGlobal = ordered.Count;
        ordered.AddRange(_symbols.Where(s => s.Global));
        ordered.AddRange(_external.Values);
        for (int i = 0; i < ordered.Count; i++)
        {
            ordered[i].Index = i;
        }

        int contentSections = _sections.Count;
        int symtabIndex = contentSections + 1 + _relocations.Count(r => r.Count > 0);
        var all = new List<SectionDraft>(_sections);
        for (int i = 0; i < contentSections; i++)
        {
            if (_relocations[i].Count == 0)
            {
                continue;
            }

            var rela = new MemoryStream();
            foreach (Relocation relocation in _relocations[i])
            {
                int symbol = relocation.Target.Section > 0 && relocation.Target.Type == 3 ? relocation.Target.Section : relocation.Target.Index;
                RelocatableWriter.WriteRela(rela, relocation.Offset, symbol, relocation.Type, relocation.Addend);
            }

            all.Add(new SectionDraft
            {
                Name = ".rela" + _sections[i].Name, Type = SectionDraft.Rela, Flags = SectionDraft.FlagInfoLink, Data = rela.ToArray(),
                Link = (uint)symtabIndex, Info = (uint)(i + 1), Alignment = 8, EntrySize = 24,
            });
        }

        var strings = new MemoryStream();
        strings.WriteByte(0);
        var symtab = new MemoryStream();
        foreach (Symbol symbol in ordered)
        {
            uint name = 0;
            if (symbol.Name.Length > 0)
            {
                name = (uint)strings.Length;
                strings.Write(Encoding.UTF8.GetBytes(symbol.Name));
                strings.WriteByte(0);
            }

            byte info = (byte)(((symbol.Global ? 1 : 0) << 4) | symbol.Type);
            RelocatableWriter.WriteSymbol(symtab, name, info, (ushort)symbol.Section, symbol.Value, symbol.Size);
        }

        all.Add(new SectionDraft { Name = ".symtab", Type = SectionDraft.SymTab, Data = symtab.ToArray(), Link = (uint)symtabIndex + 1, Info = (uint)firstGlobal, Alignment = 8, EntrySize = 24 });
        all.Add(new SectionDraft { Name = ".strtab", Type = SectionDraft.StrTab, Data = strings.ToArray() });
        return RelocatableWriter.Write(all);
    }

    private int AddSection(SectionDraft draft, out List<Relocation> relocations)
    {
        _sections.Add(draft);
        _relocations.Add(relocations = []);
        return _sections.Count; // its index in the file
    }

    private static Symbol SectionSymbol(int fileIndex) => new() { Name = "", Type = 3, Section = fileIndex };

    /// <summary>A symbol of vmlinux: by name when exported, else as a livepatch symbol.</summary>
    private Symbol? Vmlinux(string name, bool local, string? sourceFile, string what)
    {
        if (!local && _kernel.IsExported(name))
        {
            return External(name);
        }

        (int position, string? refusal) = _kernel.Position(name, local ? sourceFile : null, what);
        if (refusal is not null)
        {
            _refusals.Add(refusal);
            return null;
        }

        return External($"{KlpRelocations.SymbolPrefix}vmlinux.{name},{position}");
    }

    private Symbol External(string name)
    {
        if (!_external.TryGetValue(name, out Symbol? symbol))
        {
            _external[name] = symbol = new Symbol { Name = name, Global = true };
        }

        return symbol;
    }

    /// <summary>The copy of one object's changes.</summary>
    private sealed class ObjectCopy(LivepatchCode code, ObjectChanges change, int number)
    {
        private readonly ElfFile _file = change.Patched.File;
        private readonly Dictionary<int, int> _copied = []; // patched section index -> file index
        private readonly Dictionary<string, Symbol> _functions = new(StringComparer.Ordinal); // key -> new symbol
        private readonly Queue<ElfSection> _pending = new();
        private readonly Dictionary<int, Symbol> _entries = []; // patched section index -> the new function's symbol
        private readonly HashSet<(int Section, ulong Value)> _oldEntries = [];

        private string Display => Path.ChangeExtension(change.RelativePath, ".c"); // its path in the tree, as the diff names it

        public void Run()
        {
            foreach (ObjectFunction function in change.Changed.Concat(change.Added))
            {
                if (function.Section.Name.StartsWith(".init.", StringComparison.Ordinal) || function.Section.Name.StartsWith(".exit.", StringComparison.Ordinal))
                {
                    code._refusals.Add($"{Display}: {function.Name}: __init/__exit code ran at boot or runs at unload, a live patch cannot change it (leave it as it is)");
                    continue;
                }

                if (change.Original.Functions.TryGetValue(function.Key, out ObjectFunction? old) && !IsTraceable(change.Original.File, old))
                {
                    code._refusals.Add($"{Display}: {function.Name}: the running function is notrace (no __fentry__ call at its entry), so livepatch cannot redirect it (patch a traceable caller instead)");
                    continue;
                }

                if (function.Symbol.Value != 0 || function.Section.Name == ".text")
                {
                    code._refusals.Add($"{Display}: {function.Name}: not in a section of its own (build with -ffunction-sections)");
                    continue;
                }

                // One function under several names (the syscall stubs __x64_sys_NAME and
                // __ia32_sys_NAME are often aliases of __do_sys_NAME): one copy, one klp_func. Two
                // klp_funcs on one address would share an ftrace handler, and the kernel would check
                // the stacks for the wrong function, switching tasks that sleep in the old one.
                if (_entries.TryGetValue(function.Section.Index, out Symbol? alias))
                {
                    _functions[function.Key] = alias;
                    continue;
                }

                if (old is not null && !_oldEntries.Add((old.Section.Index, old.Symbol.Value)))
                {
                    code._refusals.Add($"{Display}: {function.Name}: its running version is an alias of another changed function, but the patched one is not; build the fix so both stay one function");
                    continue;
                }

                int index = Copy(function.Section);
                string name = $"__suture_{number}_{Sanitize(function.Name)}";
                var symbol = new Symbol { Name = name, Global = true, Type = 2, Section = index, Value = 0, Size = function.Symbol.Size };
                code._symbols.Add(symbol);
                _functions[function.Key] = symbol;
                _entries[function.Section.Index] = symbol;
                if (old is not null)
                {
                    (int position, string? refusal) = code._kernel.Position(old.Name, change.Original.SourceFile, $"{Display}: {old.Name}");
                    if (refusal is not null)
                    {
                        code._refusals.Add(refusal);
                    }

                    code._functions.Add(new KlpFunction(old.Name, position, name));
                }
            }

            while (_pending.TryDequeue(out ElfSection? section))
            {
                CopyRelocations(section);
            }

            CheckSpecialSections();
        }

        private static string Sanitize(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

        /// <summary>A traceable kernel function calls <c>__fentry__</c> first (after <c>endbr64</c> with IBT).</summary>
        private static bool IsTraceable(ElfFile file, ObjectFunction function) =>
            file.GetRelocations(function.Section).Any(r => r.Offset >= function.Symbol.Value && r.Offset <= function.Symbol.Value + 5 && r.Symbol?.Name == "__fentry__");

        private int Copy(ElfSection section)
        {
            if (_copied.TryGetValue(section.Index, out int index))
            {
                return index;
            }

            const ulong kept = SectionDraft.FlagAlloc | SectionDraft.FlagWrite | SectionDraft.FlagExec | SectionDraft.FlagMerge | SectionDraft.FlagStrings;
            index = code.AddSection(new SectionDraft
            {
                Name = section.Name,
                Type = (uint)section.Type,
                Flags = (ulong)section.Flags & kept,
                Data = section.Type == ElfSectionType.NoBits ? [] : section.Data.ToArray(),
                NoBitsSize = section.Size,
                Alignment = section.Alignment,
                EntrySize = section.EntrySize,
            }, out _);
            _copied[section.Index] = index;
            _pending.Enqueue(section);
            return index;
        }

        private void CopyRelocations(ElfSection section)
        {
            List<Relocation> output = code._relocations[_copied[section.Index] - 1];
            bool isCode = (section.Flags & ElfSectionFlags.ExecInstr) != 0;
            InstructionMap? instructions = isCode ? InstructionMap.Decode(section.Data.Span) : null;
            foreach (ElfRelocation relocation in _file.GetRelocations(section))
            {
                if (Resolve(relocation, instructions, $"{Display}: {section.Name}+0x{relocation.Offset:x}") is { } target)
                {
                    output.Add(new Relocation(relocation.Offset, relocation.Type, target.Symbol, target.Addend));
                }
            }
        }

        private (Symbol Symbol, long Addend)? Resolve(ElfRelocation relocation, InstructionMap? instructions, string what)
        {
            ElfSymbol? symbol = relocation.Symbol;
            if (symbol is null || symbol.IsAbsolute || symbol.IsCommon)
            {
                code._refusals.Add($"{what}: a relocation without a usable symbol");
                return null;
            }

            if (!symbol.IsDefined)
            {
                return code.Vmlinux(symbol.Name, local: false, null, what) is { } external ? (external, relocation.Addend) : null;
            }

            ElfSection target = _file.Sections[symbol.SectionIndex];
            bool place = symbol.Type == ElfSymbolType.Section || (symbol.Type == ElfSymbolType.NoType && symbol.Binding == ElfSymbolBinding.Local);
            long label = place && symbol.Type != ElfSymbolType.Section ? (long)symbol.Value : 0;
            long addend = relocation.Addend + label;
            bool targetIsCode = (target.Flags & ElfSectionFlags.ExecInstr) != 0;
            ElfSymbol? named = symbol;
            if (place)
            {
                long offset = label + (instructions is null ? relocation.Addend : ObjectIndex.TargetOffset(relocation, instructions, 0));
                named = change.Patched.SymbolAt(target, offset, targetIsCode ? ElfSymbolType.Func : ElfSymbolType.Object);
                if (named is null)
                {
                    if (targetIsCode)
                    {
                        code._refusals.Add($"{what}: refers to code in {target.Name} outside any function");
                        return null;
                    }

                    return (SectionSymbol(Copy(target)), addend); // a literal: the patch carries it
                }

                addend -= (long)named.Value;
            }

            if (named.Type == ElfSymbolType.Func)
            {
                string key = change.Patched.KeyOf(named.Name);
                if (_functions.TryGetValue(key, out Symbol? copy))
                {
                    return (copy, addend);
                }

                if (change.Added.Any(f => f.Key == key) || change.Changed.Any(f => f.Key == key))
                {
                    return null; // refused above
                }

                string name = change.Original.Functions.TryGetValue(key, out ObjectFunction? old) ? old.Name : named.Name;
                return code.Vmlinux(name, named.Binding == ElfSymbolBinding.Local, change.Original.SourceFile, what) is { } function ? (function, addend) : null;
            }

            string variableKey = change.Patched.KeyOf(named.Name);
            if (named.Type == ElfSymbolType.Object && (change.Patched.IsConstant(named) || !change.Original.Variables.ContainsKey(variableKey)))
            {
                return (SectionSymbol(Copy(target)), addend + (long)named.Value); // a constant or a new variable: the patch carries it
            }

            string variable = change.Original.Variables.TryGetValue(variableKey, out ElfSymbol? before) ? before.Name : named.Name;
            return code.Vmlinux(variable, named.Binding == ElfSymbolBinding.Local, change.Original.SourceFile, what) is { } data ? (data, addend) : null;
        }

        /// <summary>
        /// Tables elsewhere in the object that point into copied code: ORC unwind entries are
        /// carried (so the livepatch consistency model can walk stacks through the new code);
        /// tables the patch cannot carry yet are refused rather than silently dropped.
        /// </summary>
        private void CheckSpecialSections()
        {
            ElfSection? orcIp = _file.FindSection(".orc_unwind_ip");
            ElfSection? orc = _file.FindSection(".orc_unwind");
            foreach (ElfSection section in _file.Sections)
            {
                if (_copied.ContainsKey(section.Index) || section.Type is ElfSectionType.Rela or ElfSectionType.SymTab or ElfSectionType.StrTab
                    || section.Name.StartsWith(".debug_", StringComparison.Ordinal) || section.Name.StartsWith(".discard.", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (ElfRelocation relocation in _file.GetRelocations(section))
                {
                    if (relocation.Symbol is not { IsDefined: true } symbol || symbol.IsAbsolute || symbol.IsCommon || !_copied.ContainsKey(symbol.SectionIndex)
                        || (_file.Sections[symbol.SectionIndex].Flags & ElfSectionFlags.ExecInstr) == 0)
                    {
                        continue;
                    }

                    if (section == orcIp && orc is not null)
                    {
                        // An entry may point at the end of the code (the terminator), so it is moved by section, not by function.
                        int entry = (int)(relocation.Offset / 4);
                        long addend = relocation.Addend + (symbol.Type == ElfSymbolType.Section ? 0 : (long)symbol.Value);
                        code._orcIpRelocations.Add(new Relocation((ulong)code._orcIp.Count, relocation.Type, SectionSymbol(_copied[symbol.SectionIndex]), addend));
                        code._orcIp.AddRange(new byte[4]);
                        code._orc.AddRange(orc.Data.Span.Slice(entry * 6, 6));
                    }
                    else if (UncarriedTables.Contains(section.Name))
                    {
                        string function = change.Patched.SymbolAt(_file.Sections[symbol.SectionIndex], relocation.Addend + (long)symbol.Value, ElfSymbolType.Func)?.Name
                            ?? _file.Sections[symbol.SectionIndex].Name;
                        string refusal = $"{Display}: {function}: has entries in {section.Name} ({What(section.Name)}), which kernel patches cannot carry yet";
                        if (!code._refusals.Contains(refusal))
                        {
                            code._refusals.Add(refusal);
                        }
                    }
                }
            }
        }

        private static string What(string section) => section switch
        {
            "__bug_table" => "WARN/BUG sites",
            "__ex_table" => "user-access fault fixups",
            "__jump_table" => "static keys",
            ".altinstructions" or ".altinstr_replacement" => "CPU-feature alternatives",
            _ => "a table the kernel reads",
        };
    }
}
