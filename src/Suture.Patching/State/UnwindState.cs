namespace Suture.Patching.State;

/// <summary>
/// Whether the patch's unwind table is registered with the process's unwinder. The intent is
/// recorded before each call into the unwinder and the outcome after it, so a run killed in
/// between leaves a state a later run recognises instead of guessing (unmapping a registered
/// table would crash the next exception; deregistering one twice aborts in libgcc).
/// </summary>
public enum UnwindState : byte
{
    None = 0,

    /// <summary>About to call <c>__register_frame_info</c>; the unwinder's own record in the patch memory tells whether it ran.</summary>
    Registering = 1,

    Registered = 2,

    /// <summary>About to call <c>__deregister_frame_info</c>: whether it ran cannot be told, so the memory is never unmapped.</summary>
    Deregistering = 3,

    Deregistered = 4,
}
