using Suture.Elf;

namespace Suture.Build.Diff;

/// <summary>A function of a relocatable object: its symbol, section and normalised relocations.</summary>
/// <param name="Key">The name without clone numbers (<see cref="SymbolKeys"/>), used to pair the two builds.</param>
internal sealed record ObjectFunction(ElfSymbol Symbol, string Key, ElfSection Section, ReadOnlyMemory<byte> Code, IReadOnlyList<string> RelocationKeys)
{
    public string Name => Symbol.Name;

    /// <summary>Same machine code and same references, ignoring where things were placed.</summary>
    public bool SameAs(ObjectFunction other) =>
        Code.Span.SequenceEqual(other.Code.Span) && RelocationKeys.SequenceEqual(other.RelocationKeys);
}
