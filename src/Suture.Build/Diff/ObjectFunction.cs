using Suture.Elf;

namespace Suture.Build.Diff;

/// <summary>A function of a relocatable object: its symbol, section and normalised relocations.</summary>
internal sealed record ObjectFunction(ElfSymbol Symbol, ElfSection Section, ReadOnlyMemory<byte> Code, IReadOnlyList<string> RelocationKeys)
{
    public string Name => Symbol.Name;

    /// <summary>Same machine code and same references, ignoring where things were placed.</summary>
    public bool SameAs(ObjectFunction other) =>
        Code.Span.SequenceEqual(other.Code.Span) && RelocationKeys.SequenceEqual(other.RelocationKeys);
}
