namespace Suture.Patching.Engine.Fleet;

/// <summary>What happened to one process in <c>apply -p all</c>.</summary>
public enum FleetOutcome
{
    Patched,
    AlreadyPatched,
    NotPatchable,
    Exited,
}
