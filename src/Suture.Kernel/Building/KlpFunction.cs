namespace Suture.Kernel.Building;

/// <summary>One entry of the generated <c>klp_func</c> array: the running function and its replacement in the module.</summary>
/// <param name="OldName">The function's name in vmlinux.</param>
/// <param name="Position">Its <c>old_sympos</c>: 0 when the name is unique, else its 1-based position.</param>
/// <param name="NewSymbol">The module's global symbol of the new version.</param>
internal sealed record KlpFunction(string OldName, int Position, string NewSymbol);
