using Suture.Patching.State;

namespace Suture.Patching.Engine.Status;

/// <summary>
/// The levels of patches applied to one object in one process: the active one and the
/// superseded ones still loaded beneath it, newest first.
/// </summary>
internal sealed class PatchChain
{
    private PatchChain(IReadOnlyList<AppliedPatch> levels)
    {
        Levels = levels;
    }

    /// <summary>Every loaded level for the object, newest application first.</summary>
    public IReadOnlyList<AppliedPatch> Levels { get; }

    public AppliedPatch? Active => Levels.FirstOrDefault(p => p.IsActive);

    /// <summary>The level that becomes active again when the active one is reverted.</summary>
    public AppliedPatch? Previous => Levels.FirstOrDefault(p => !p.IsActive);

    public static PatchChain For(IReadOnlyList<AppliedPatch> applied, byte[] buildId) =>
        new(applied.Where(p => p.BuildId.AsSpan().SequenceEqual(buildId)).OrderByDescending(p => p.AppliedUtc).ToList());
}
