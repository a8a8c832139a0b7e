namespace Suture.Patching.Engine.Symbols;

/// <summary>
/// Where an external symbol is in a process. For an IFUNC that no loaded object has resolved yet,
/// <see cref="Address"/> is its resolver, which is called in the target to learn the implementation.
/// </summary>
internal readonly record struct ResolvedSymbol(ulong Address, bool IsIfuncResolver);
