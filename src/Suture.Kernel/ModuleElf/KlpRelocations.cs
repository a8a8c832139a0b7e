using System.Buffers.Binary;
using Suture.Elf;

namespace Suture.Kernel.ModuleElf;

/// <summary>
/// Turns a built livepatch module's references to symbols the kernel does not export into
/// livepatch relocations (Documentation/livepatch/module-elf-format.rst): the generated code names
/// each such symbol <c>.klp.sym.vmlinux.NAME,POS</c> and leaves it undefined, kbuild links it as
/// an ordinary undefined symbol, and this rewrite marks those symbols <c>SHN_LIVEPATCH</c> and moves
/// the relocations that use them out of <c>.rela.SEC</c> into <c>.klp.rela.vmlinux.SEC</c>
/// (flag <c>SHF_RELA_LIVEPATCH</c>), which the kernel resolves through kallsyms when it loads the
/// module. Every other section keeps its index and bytes.
/// </summary>
internal static class KlpRelocations
{
    public const string SymbolPrefix = ".klp.sym.";
    private const ushort ShnLivepatch = 0xff20;
    private const int SymbolLength = 24;
    private const int RelaLength = 24;

    /// <summary>The rewritten module and how many relocations became livepatch relocations.</summary>
    public static (byte[] Module, int Converted) Convert(byte[] module, string name)
    {
        ElfFile elf = ElfFile.Read(module, name);
        ElfSection symtab = elf.Sections.FirstOrDefault(s => s.Type == ElfSectionType.SymTab)
            ?? throw new SutureException($"{name}: the module has no symbol table; was it stripped? (build it again without stripping)", ExitCode.BuildFailed);
        var drafts = elf.Sections.Skip(1).Select(s => new SectionDraft
        {
            Name = s.Name,
            Type = (uint)s.Type,
            Flags = (ulong)s.Flags,
            Data = s.Type == ElfSectionType.NoBits ? [] : s.Data.ToArray(),
            NoBitsSize = s.Size,
            Link = s.Link,
            Info = s.Info,
            Alignment = s.Alignment,
            EntrySize = s.EntrySize,
        }).ToList();

        byte[] symbols = drafts[symtab.Index - 1].Data;
        var livepatch = new HashSet<int>();
        foreach (ElfSymbol symbol in elf.Symbols)
        {
            if (symbol.Name.StartsWith(SymbolPrefix, StringComparison.Ordinal) && !symbol.IsDefined)
            {
                if (!symbol.Name.StartsWith(SymbolPrefix + "vmlinux.", StringComparison.Ordinal) || !symbol.Name.Contains(','))
                {
                    throw new SutureException($"{name}: livepatch symbol {symbol.Name} is not of the form .klp.sym.vmlinux.NAME,POS", ExitCode.BuildFailed);
                }

                BinaryPrimitives.WriteUInt16LittleEndian(symbols.AsSpan(symbol.Index * SymbolLength + 6), ShnLivepatch);
                livepatch.Add(symbol.Index);
            }
        }

        int converted = 0;
        foreach (ElfSection rela in elf.Sections.Where(s => s.Type == ElfSectionType.Rela && s.Link == (uint)symtab.Index).ToList())
        {
            byte[] entries = drafts[rela.Index - 1].Data;
            var keep = new MemoryStream();
            var moved = new MemoryStream();
            for (int at = 0; at + RelaLength <= entries.Length; at += RelaLength)
            {
                ulong info = BinaryPrimitives.ReadUInt64LittleEndian(entries.AsSpan(at + 8));
                (livepatch.Contains((int)(info >> 32)) ? moved : keep).Write(entries, at, RelaLength);
            }

            if (moved.Length == 0)
            {
                continue;
            }

            string target = elf.Sections[(int)rela.Info].Name;
            if ((elf.Sections[(int)rela.Info].Flags & ElfSectionFlags.ExecInstr) == 0 && !target.StartsWith(".rodata", StringComparison.Ordinal)
                && !target.StartsWith(".data", StringComparison.Ordinal))
            {
                throw new SutureException($"{name}: section {target} refers to a symbol the kernel does not export; only code and data of the patch may (the klp_patch structures must use exported symbols)", ExitCode.BuildFailed);
            }

            converted += (int)(moved.Length / RelaLength);
            drafts[rela.Index - 1].Data = keep.ToArray();
            drafts.Add(new SectionDraft
            {
                Name = ".klp.rela.vmlinux." + target,
                Type = SectionDraft.Rela,
                Flags = (ulong)rela.Flags | SectionDraft.FlagRelaLivepatch | SectionDraft.FlagInfoLink,
                Data = moved.ToArray(),
                Link = rela.Link,
                Info = rela.Info,
                Alignment = 8,
                EntrySize = RelaLength,
            });
        }

        return (RelocatableWriter.Write(drafts, module), converted);
    }
}
