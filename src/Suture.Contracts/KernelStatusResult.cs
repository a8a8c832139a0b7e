namespace Suture.Contracts;

/// <summary>The kernel's live patches (<c>suture kernel status --json</c>), from /sys/kernel/livepatch.</summary>
/// <param name="Livepatch">Whether the running kernel has the livepatch facility (CONFIG_LIVEPATCH).</param>
public sealed record KernelStatusResult(bool Livepatch, string KernelRelease, IReadOnlyList<KernelPatchState> Patches);

/// <summary>One livepatch module.</summary>
/// <param name="Name">The module's (and patch's) name.</param>
/// <param name="Enabled">Whether the patch is enabled.</param>
/// <param name="Transition">Whether a transition (patching or unpatching) is under way.</param>
/// <param name="Functions">The replaced functions by object, as <c>object:function,position</c>.</param>
/// <param name="PendingTasks">While a transition is under way: the tasks not yet switched, as <c>pid comm</c>.</param>
/// <param name="Id">The patch id of a module built by suture kernel build (null for other livepatches).</param>
/// <param name="Level">Its level (0 for other livepatches); above 1 it is cumulative and replaced the ones before it.</param>
/// <param name="Cves">The CVEs it says it fixes.</param>
public sealed record KernelPatchState(string Name, bool Enabled, bool Transition, IReadOnlyList<string> Functions, IReadOnlyList<string> PendingTasks, string? Id = null, int Level = 0, IReadOnlyList<string>? Cves = null);
