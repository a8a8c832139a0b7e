namespace Suture.Elf;

/// <summary>One section header of an <see cref="ElfFile"/>, with its name resolved and its bytes.</summary>
public sealed class ElfSection
{
    internal ElfSection(int index, string name, in ElfSectionHeader header, ReadOnlyMemory<byte> data)
    {
        Index = index;
        Name = name;
        Type = header.Type;
        Flags = header.Flags;
        Address = header.Address;
        Offset = header.Offset;
        Size = header.Size;
        Link = header.Link;
        Info = header.Info;
        Alignment = header.Alignment;
        EntrySize = header.EntrySize;
        Data = data;
    }

    public int Index { get; }

    public string Name { get; }

    public ElfSectionType Type { get; }

    public ElfSectionFlags Flags { get; }

    public ulong Address { get; }

    public ulong Offset { get; }

    public ulong Size { get; }

    public uint Link { get; }

    public uint Info { get; }

    public ulong Alignment { get; }

    public ulong EntrySize { get; }

    /// <summary>The section's bytes in the file; empty for <see cref="ElfSectionType.NoBits"/>.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public override string ToString() => $"[{Index}] {Name} {Type}";
}
