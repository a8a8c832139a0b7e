using Suture.Elf;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Symbols;

/// <summary>The object in a process that provides a symbol, and the symbol as that object's dynamic symbol table defines it.</summary>
internal sealed record SymbolDefinition(LoadedObject Definer, ElfSymbol Symbol);
