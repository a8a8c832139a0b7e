using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Web;

/// <summary>A patch's state in one feed, as the feed and patch pages show it, with the actions that make sense for it.</summary>
internal sealed record DeploymentRow(
    string Feed,
    long DelaySeconds,
    string Sha256,
    string PatchId,
    string BuildId,
    string ObjectName,
    int Level,
    IReadOnlyList<string> Cves,
    FeedPatchState? State,
    DateTimeOffset? Deploys,
    bool Deployed,
    bool LowerNotEnabled,
    bool HigherStillOffered,
    bool FirstOfObject)
{
    public string StateLabel => State switch
    {
        null => "not approved",
        FeedPatchState.Enabled when Deployed => "deployed",
        FeedPatchState.Enabled => "approved, waiting for the delay",
        FeedPatchState.Disabled => "disabled",
        _ => "undeployed",
    };

    public string StateCss => State switch
    {
        null => "none",
        FeedPatchState.Enabled when Deployed => "deployed",
        FeedPatchState.Enabled => "pending",
        FeedPatchState.Disabled => "disabled",
        _ => "undeployed",
    };

    public static async Task<IReadOnlyList<DeploymentRow>> LoadAsync(ServerDb db, IReadOnlyList<Feed> feeds, IReadOnlyList<Patch> patches, DateTimeOffset now, CancellationToken ct)
    {
        List<long> feedIds = [.. feeds.Select(f => f.Id)];
        List<string> buildIds = [.. patches.Select(p => p.BuildId).Distinct()];
        var rows = await db.FeedPatches.AsNoTracking()
            .Where(fp => feedIds.Contains(fp.FeedId) && buildIds.Contains(fp.Patch.BuildId))
            .Select(fp => new { fp.FeedId, fp.Patch.BuildId, fp.Patch.Level, fp.State, fp.Approved })
            .ToListAsync(ct);
        var result = new List<DeploymentRow>();
        foreach (Feed feed in feeds)
        {
            var states = rows.Where(r => r.FeedId == feed.Id).ToDictionary(r => (r.BuildId, r.Level), r => (r.State, r.Approved));
            string? previousObject = null;
            foreach (Patch p in patches)
            {
                (FeedPatchState State, DateTimeOffset? Approved)? s = states.TryGetValue((p.BuildId, p.Level), out var v) ? v : null;
                DateTimeOffset? deploys = s is { State: FeedPatchState.Enabled, Approved: { } a } ? a.AddSeconds(feed.DelaySeconds) : null;
                bool lowerNotEnabled = patches.Any(o => o.BuildId == p.BuildId && o.Level < p.Level
                    && !(states.TryGetValue((o.BuildId, o.Level), out var os) && os.State == FeedPatchState.Enabled));
                bool higherOffered = states.Any(kv => kv.Key.BuildId == p.BuildId && kv.Key.Level > p.Level && kv.Value.State != FeedPatchState.Undeployed);
                result.Add(new DeploymentRow(
                    feed.Name, feed.DelaySeconds, p.Sha256, p.PatchId, p.BuildId, p.ObjectName, p.Level,
                    [.. p.Cves.Select(c => c.Cve).Order(StringComparer.Ordinal)],
                    s?.State, deploys, deploys <= now, lowerNotEnabled, higherOffered, previousObject != p.BuildId));
                previousObject = p.BuildId;
            }
        }

        return result;
    }
}
