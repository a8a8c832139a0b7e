namespace Suture.Format;

/// <summary>
/// A live patch for one object (executable or shared library), bound to that object's GNU Build
/// ID. Written by <c>suture build</c>, read by apply/inspect. See docs/patch-format.md.
/// </summary>
public sealed record PatchFile
{
    public required PatchTarget Target { get; init; }

    public required PatchMetadata Metadata { get; init; }

    /// <summary>The functions of the target whose entries are redirected to new code.</summary>
    public required IReadOnlyList<PatchFunction> Functions { get; init; }

    public required PatchImage Image { get; init; }

    /// <summary>Fix-ups applied to <see cref="Image"/> once its address in the target is known.</summary>
    public required IReadOnlyList<PatchRelocation> Relocations { get; init; }

    /// <summary>Unwind information for the new code (file section <c>UNWD</c>), or null when the patch carries none.</summary>
    public PatchUnwindTable? Unwind { get; init; }
}
