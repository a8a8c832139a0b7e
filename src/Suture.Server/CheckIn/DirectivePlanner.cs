using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Data.Entities;

namespace Suture.Server.CheckIn;

/// <summary>
/// What a feed wants for a host's objects, from the levels its processes run (docs/protocol.md#directives):
/// the object's target is the highest level that is enabled and past the feed's delay (0, the
/// original code, when none is). A process below the target gets it applied; a process above it
/// at a level the feed undeployed is reverted to it; a process above it at a level merely
/// disabled, not yet deployed, or unknown to the server keeps what it runs.
/// </summary>
internal static class DirectivePlanner
{
    public static List<ObjectDirective> Plan(
        Feed feed,
        DateTimeOffset now,
        IEnumerable<(string BuildId, IEnumerable<(int Pid, int Level)> Processes)> objects,
        IReadOnlyList<FeedPatch> feedPatches)
    {
        var byObject = feedPatches.GroupBy(fp => fp.Patch.BuildId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var directives = new List<ObjectDirective>();
        foreach ((string buildId, IEnumerable<(int Pid, int Level)> processes) in objects.OrderBy(o => o.BuildId, StringComparer.Ordinal))
        {
            if (!byObject.TryGetValue(buildId, out List<FeedPatch>? rows))
            {
                continue;
            }

            FeedPatch? target = rows
                .Where(r => r.State == FeedPatchState.Enabled && r.Approved is { } a && a.AddSeconds(feed.DelaySeconds) <= now)
                .MaxBy(r => r.Patch.Level);
            int targetLevel = target?.Patch.Level ?? 0;
            var undeployed = rows.Where(r => r.State == FeedPatchState.Undeployed).Select(r => r.Patch.Level).ToHashSet();
            var apply = new List<int>();
            var revert = new List<int>();
            foreach ((int pid, int level) in processes.OrderBy(p => p.Pid))
            {
                if (level < targetLevel)
                {
                    apply.Add(pid);
                }
                else if (level > targetLevel && undeployed.Contains(level))
                {
                    revert.Add(pid);
                }
            }

            PatchReference? reference = target is null ? null : Reference(target.Patch);
            if (apply.Count > 0)
            {
                directives.Add(new ObjectDirective(buildId, DirectiveAction.Apply, targetLevel, reference, apply));
            }

            if (revert.Count > 0)
            {
                directives.Add(new ObjectDirective(buildId, DirectiveAction.Revert, targetLevel, reference, revert));
            }
        }

        return directives;
    }

    public static PatchReference Reference(Patch p) =>
        new(p.PatchId, p.Level, p.Sha256, $"/api/v1/patches/{p.Sha256}/content", p.Size, [.. p.Cves.Select(c => c.Cve).Order(StringComparer.Ordinal)]);
}
