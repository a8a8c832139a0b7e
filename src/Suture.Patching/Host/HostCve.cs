namespace Suture.Patching.Host;

/// <summary>Whether a CVE is fixed on the host.</summary>
public enum CveState
{
    /// <summary>Every running process that maps a vulnerable object runs a patch that fixes it.</summary>
    Fixed,

    /// <summary>Some processes run the fix, others (listed) still run the vulnerable code.</summary>
    Partial,

    /// <summary>A patch for it is known (given), but no process mapping the object runs it.</summary>
    NotFixed,
}

/// <summary>One CVE of the host: its state, the patches that fix it, and the processes still vulnerable.</summary>
/// <param name="Sites">The same per object it was patched in.</param>
public sealed record HostCve(string Id, CveState State, IReadOnlyList<string> Patches, IReadOnlyList<string> Objects, IReadOnlyList<int> PatchedPids, IReadOnlyList<int> UnpatchedPids, IReadOnlyList<HostCveSite> Sites);

/// <summary>One object a CVE was patched in: whether every process mapping it runs the fix.</summary>
public sealed record HostCveSite(HostObject Target, CveState State, IReadOnlyList<int> PatchedPids, IReadOnlyList<int> UnpatchedPids)
{
    internal static CveState Judge(int patched, int unpatched) =>
        unpatched == 0 ? CveState.Fixed : patched > 0 ? CveState.Partial : CveState.NotFixed;
}
