using Suture.Agent.Blocking;
using Suture.Agent.Cache;
using Suture.Agent.Configuration;
using Suture.Agent.Inventory;
using Suture.Contracts;
using Suture.Patching.Store;

namespace Suture.Agent;

/// <summary>
/// <c>suture agent status</c>, built from what the agent keeps (identity, last check-in, cache,
/// block list, approvals) and from the processes themselves (the levels their records hold), so
/// it is right whether or not the agent runs, and after its restart.
/// </summary>
internal static class AgentStatus
{
    public static AgentStatusResult Collect(string configPath, AgentConfig config, Action<string> warn)
    {
        AgentIdentity? identity = AgentIdentity.Load(config.StateDirectory);
        LastCheckIn? last = LastCheckIn.Load(config.StateDirectory);
        BlockList blocks = BlockList.Load(config.StateDirectory);
        IReadOnlyList<string> approved = Approvals.Load(config.StateDirectory);
        var verification = new PatchVerification(config.TrustDirectory);
        var patches = new List<VerifiedPatch>(new PatchCache(config.CacheDirectory, verification).All((path, e) => warn($"cached {path} refused: {e.Message}")));
        if (config.Mode == AgentMode.Offline && Directory.Exists(config.StoreDirectory))
        {
            foreach (Format.PatchDocument document in PatchStore.Load(config.StoreDirectory).Patches)
            {
                try
                {
                    VerifiedPatch patch = verification.Verify(document.Bytes.ToArray(), document.Path);
                    if (patches.All(p => p.FileSha256 != patch.FileSha256))
                    {
                        patches.Add(patch);
                    }
                }
                catch (SutureException e)
                {
                    warn($"store patch refused: {e.Message}");
                }
            }
        }

        IReadOnlyList<ProcessView> views = new ProcessReader().All();
        var approvedByObject = new Dictionary<string, VerifiedPatch>(StringComparer.Ordinal);
        foreach (VerifiedPatch patch in patches.Where(p => !blocks.IsBlocked(p.FileSha256) && (config.Mode != AgentMode.Manual || approved.Contains(p.FileSha256) || Runs(views, p))))
        {
            if (!approvedByObject.TryGetValue(patch.BuildId, out VerifiedPatch? known) || known.Level < patch.Level)
            {
                approvedByObject[patch.BuildId] = patch;
            }
        }

        var cached = patches.OrderBy(p => p.BuildId, StringComparer.Ordinal).ThenBy(p => p.Level).Select(p => new AgentCachedPatch(
            p.FileSha256, p.Id, p.Level, p.ObjectName, p.BuildId, p.Document.Patch.Metadata.Cves, $"{p.Signer.KeyId} ({p.Signer.Name})",
            blocks.IsBlocked(p.FileSha256) ? "blocked"
            : approvedByObject.TryGetValue(p.BuildId, out VerifiedPatch? a) && a.FileSha256 == p.FileSha256 ? "approved"
            : approvedByObject.TryGetValue(p.BuildId, out VerifiedPatch? b) && b.Level > p.Level ? "superseded"
            : "pending")).ToList();
        var coverage = new List<AgentObjectCoverage>();
        foreach (var group in patches.GroupBy(p => p.BuildId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int level = approvedByObject.TryGetValue(group.Key, out VerifiedPatch? target) ? target.Level : 0;
            List<ProcessView> mapping = [.. views.Where(v => v.Maps(group.Key))];
            List<int> unpatched = [.. mapping.Where(v => level == 0 || v.Level(group.Key) < level).Select(v => v.Pid)];
            coverage.Add(new AgentObjectCoverage(group.Key, group.First().ObjectName, level, mapping.Count, mapping.Count - unpatched.Count, unpatched));
        }

        return new AgentStatusResult(
            configPath,
            config.Mode.ToString().ToLowerInvariant(),
            identity?.Server ?? config.Server,
            identity?.HostId,
            identity?.Feed,
            identity?.Pin,
            last is null ? null : new AgentCheckIn(last.At.UtcDateTime, last.Succeeded, last.Message, last.Next?.UtcDateTime),
            cached,
            coverage,
            [.. blocks.Entries.Select(b => new AgentBlockedPatch(b.PatchSha256, b.PatchId, b.BuildId, b.Pid, b.Signal, b.At.UtcDateTime, b.Reason))]);
    }

    private static bool Runs(IReadOnlyList<ProcessView> views, VerifiedPatch patch) =>
        views.Any(v => v.Applied.Any(a => a.IsActive && a.PatchSha256 == patch.Document.Sha256));
}
