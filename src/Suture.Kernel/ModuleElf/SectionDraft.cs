namespace Suture.Kernel.ModuleElf;

/// <summary>One section of a relocatable ELF file being written: its header fields and its bytes.</summary>
internal sealed class SectionDraft
{
    public required string Name { get; set; }

    public uint Type { get; init; }

    public ulong Flags { get; set; }

    /// <summary>The contents; for SHT_NOBITS only its length counts (<see cref="NoBitsSize"/>).</summary>
    public byte[] Data { get; set; } = [];

    public ulong NoBitsSize { get; init; }

    public uint Link { get; set; }

    public uint Info { get; set; }

    public ulong Alignment { get; init; } = 1;

    public ulong EntrySize { get; init; }

    public const uint Null = 0;
    public const uint ProgBits = 1;
    public const uint SymTab = 2;
    public const uint StrTab = 3;
    public const uint Rela = 4;
    public const uint NoBits = 8;

    public const ulong FlagWrite = 0x1;
    public const ulong FlagAlloc = 0x2;
    public const ulong FlagExec = 0x4;
    public const ulong FlagMerge = 0x10;
    public const ulong FlagStrings = 0x20;
    public const ulong FlagInfoLink = 0x40;

    /// <summary>SHF_RELA_LIVEPATCH: a relocation section the kernel's livepatch core applies, not the module loader.</summary>
    public const ulong FlagRelaLivepatch = 0x00100000;
}
