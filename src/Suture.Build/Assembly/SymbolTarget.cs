using Suture.Format;

namespace Suture.Build.Assembly;

/// <summary>
/// Where a reference of the new code points: into a section copied into the patch (S = its image
/// offset + <see cref="Value"/>), an address of the target (S = <see cref="Value"/>, link-time),
/// or a symbol of another object found at apply time.
/// </summary>
internal sealed record SymbolTarget(PatchSymbolKind Kind, string Name, SectionRef? Section, ulong Value, string? Version)
{
    public static SymbolTarget InImage(SectionRef section, ulong offset, string name) => new(PatchSymbolKind.Image, name, section, offset, null);

    public static SymbolTarget InObject(string name, ulong address) => new(PatchSymbolKind.Object, name, null, address, null);

    public static SymbolTarget External(string name, string? version) => new(PatchSymbolKind.External, name, null, 0, version);
}
