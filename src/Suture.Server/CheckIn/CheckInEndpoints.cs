using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Operations;
using Suture.Server.Problems;

namespace Suture.Server.CheckIn;

/// <summary>
/// <c>POST /api/v1/checkin</c> (host token). Stores new results once each (by host and result id, each
/// an audit entry), replaces the stored inventory only when its digest changed, and answers the
/// directives for the inventory. An unchanged host that reports no results (the common check-in)
/// takes the fast path: no transaction, one round trip of reads that authentication made (the host,
/// its feed and the plan's inputs: <see cref="CheckInRead"/>) and its last check-in time committed
/// in a group with others' (docs/performance-server.md).
/// </summary>
internal static class CheckInEndpoints
{
    public const int MaxObjects = 20_000;
    public const int MaxProcessesPerObject = 100_000;
    public const int MaxResults = 10_000;

    /// <summary>The check-in's path, which authentication reads ahead for (<see cref="CheckInRead"/>).</summary>
    public const string Path = ProtocolVersion.PathPrefix + "/checkin";

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/checkin", CheckInAsync).RequireAuthorization(Roles.HostPolicy).WithTags("Check-in");

    private static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> CheckInAsync(
        CheckInRequest request, ServerDb db, AuditLog audit, TimeProvider time, ServerSettings settings, ServerMetrics metrics, CheckInTimes times, HttpContext http, CancellationToken ct)
    {
        if (Check(request) is { } invalid)
        {
            return Problem.Invalid(invalid);
        }

        string? sentDigest = request.Objects is { } sent ? InventoryDigest.Compute(sent) : null;
        if (sentDigest is not null && sentDigest != request.InventoryDigest)
        {
            return Problem.Invalid($"inventoryDigest: {request.InventoryDigest} was sent, but the objects sent have digest {sentDigest}; compute it with InventoryDigest.Compute over the objects sent");
        }

        string hostId = http.User.Subject();
        DateTimeOffset now = time.GetUtcNow();
        if (request.Objects is null && request.Results.Count == 0)
        {
            return await UnchangedAsync(request, db, settings, metrics, times, http.Features.Get<HostAtCheckIn>(), hostId, now, ct);
        }

        bool inventoryRequired = false;
        int accepted = 0;
        bool stored = false;
        ManagedHost host = await WriteTransaction.RunAsync(db, async () =>
        {
            inventoryRequired = false;
            accepted = 0;
            stored = false;

            // The update first: it locks the host's row, so check-ins of one host through two
            // instances sharing a PostgreSQL database replace its inventory one after the other.
            await TouchAsync(db, hostId, now, request.AgentVersion, ct);
            ManagedHost h = await db.Hosts.Include(h => h.Feed).SingleAsync(h => h.Id == hostId, ct);
            if (request.Objects is { } objects)
            {
                string digest = sentDigest!;
                if (digest != h.InventoryDigest)
                {
                    await db.HostObjects.Where(o => o.HostId == h.Id).ExecuteDeleteAsync(ct);
                    db.HostObjects.AddRange(objects.Select(o => new HostObject
                    {
                        HostId = h.Id,
                        BuildId = o.BuildId,
                        Path = o.Path,
                        Package = o.Package,
                        Version = o.Version,
                        Processes = [.. o.Processes.Select(p => new HostProcess { Pid = p.Pid, Command = p.Command, Level = p.Level, PatchId = p.PatchId })],
                    }));
                    h.InventoryDigest = digest;
                    stored = true;
                }
            }
            else if (request.InventoryDigest != h.InventoryDigest)
            {
                inventoryRequired = true;
            }

            accepted = await StoreResultsAsync(db, audit, h, request.Results, now, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return h;
        }, ct);

        if (stored)
        {
            metrics.InventoriesStored.Inc();
        }

        metrics.ResultsStored.Inc(accepted);
        return await AnswerAsync(db, settings, metrics, host, inventoryRequired, accepted, now, ct);
    }

    /// <summary>
    /// The digest only and no results: the host and its feed as authentication read them, one
    /// write (the last check-in time, committed together with other check-ins' by
    /// <see cref="CheckInTimes"/>, while the directives are planned) and the plan's inputs that
    /// authentication read with the host (the directive queries when it did not); an inventory the
    /// server lacks is asked for.
    /// </summary>
    private static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> UnchangedAsync(
        CheckInRequest request, ServerDb db, ServerSettings settings, ServerMetrics metrics, CheckInTimes times, HostAtCheckIn? read, string hostId, DateTimeOffset now, CancellationToken ct)
    {
        Task written = times.RecordAsync(hostId, now, request.AgentVersion);
        read ??= await db.Hosts.AsNoTracking().Where(h => h.Id == hostId).Select(h => new HostAtCheckIn(h.Id, h.InventoryDigest, h.Feed)).SingleAsync(ct);
        bool inventoryRequired = request.InventoryDigest != read.InventoryDigest;
        if (inventoryRequired)
        {
            metrics.InventoriesRequired.Inc();
        }

        List<ObjectDirective> directives = inventoryRequired ? []
            : read.Plan is { } plan ? Plan(read.Feed, now, plan.Processes, plan.FeedPatches)
            : await PlanAsync(db, read.Id, read.Feed, now, ct);
        await written.WaitAsync(ct);
        return TypedResults.Ok(new CheckInResponse(inventoryRequired, directives, settings.CheckInIntervalSeconds, now, read.Feed.Name, 0));
    }

    private static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> AnswerAsync(
        ServerDb db, ServerSettings settings, ServerMetrics metrics, ManagedHost host, bool inventoryRequired, int accepted, DateTimeOffset now, CancellationToken ct)
    {
        if (inventoryRequired)
        {
            metrics.InventoriesRequired.Inc();
        }

        List<ObjectDirective> directives = inventoryRequired ? [] : await PlanAsync(db, host.Id, host.Feed, now, ct);
        return TypedResults.Ok(new CheckInResponse(inventoryRequired, directives, settings.CheckInIntervalSeconds, now, host.Feed.Name, accepted));
    }

    private static Task<int> TouchAsync(ServerDb db, string hostId, DateTimeOffset now, string? agentVersion, CancellationToken ct) =>
        db.Hosts.Where(h => h.Id == hostId).ExecuteUpdateAsync(
            u => u.SetProperty(h => h.LastCheckIn, now).SetProperty(h => h.AgentVersion, h => agentVersion ?? h.AgentVersion), ct);

    private static async Task<int> StoreResultsAsync(
        ServerDb db, AuditLog audit, ManagedHost host, IReadOnlyList<ProcessResult> results, DateTimeOffset now, string? remote, CancellationToken ct)
    {
        if (results.Count == 0)
        {
            return 0;
        }

        List<Guid> ids = [.. results.Select(r => r.Id)];
        HashSet<Guid> known = [.. await db.HostResults.Where(r => r.HostId == host.Id && ids.Contains(r.ResultId)).Select(r => r.ResultId).ToListAsync(ct)];
        foreach (ProcessResult r in results.DistinctBy(r => r.Id).Where(r => !known.Contains(r.Id)))
        {
            string action = Name(r.Action);
            string outcome = Name(r.Outcome);
            db.HostResults.Add(new HostResult
            {
                HostId = host.Id,
                ResultId = r.Id,
                PatchSha256 = r.PatchSha256,
                BuildId = r.BuildId,
                Pid = r.Pid,
                Action = action,
                Outcome = outcome,
                Message = r.Message,
                At = r.At,
                Received = now,
            });
            await audit.AppendAsync(db, $"host:{host.Id}", $"host.{action}.{outcome}", $"patch:{r.PatchSha256}", new()
            {
                ["hostname"] = host.Hostname,
                ["pid"] = r.Pid.ToString(CultureInfo.InvariantCulture),
                ["buildId"] = r.BuildId,
                ["at"] = r.At.ToString("O", CultureInfo.InvariantCulture),
                ["message"] = r.Message,
            }, remote, ct);
        }

        return results.DistinctBy(r => r.Id).Count();
    }

    private static async Task<List<ObjectDirective>> PlanAsync(ServerDb db, string hostId, Feed feed, DateTimeOffset now, CancellationToken ct)
    {
        CheckInQueries queries = CheckInQueries.For(db);
        List<FeedPatch> rows = await queries.FeedPatchesFor(db, feed.Id, hostId).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }

        List<ProcessLevel> processes = await queries.ProcessesFor(db, feed.Id, hostId).ToListAsync(ct);
        return Plan(feed, now, processes, rows);
    }

    private static List<ObjectDirective> Plan(Feed feed, DateTimeOffset now, List<ProcessLevel> processes, List<FeedPatch> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var objects = processes.GroupBy(p => p.BuildId).Select(g => (g.Key, g.Select(p => (p.Pid, p.Level))));
        return DirectivePlanner.Plan(feed, now, objects, rows);
    }

    private static string? Check(CheckInRequest r)
    {
        if (r.InventoryDigest is null || r.InventoryDigest.Length != InventoryDigest.Prefix.Length + 64 || !r.InventoryDigest.StartsWith(InventoryDigest.Prefix, StringComparison.Ordinal))
        {
            return "inventoryDigest: give sha256: and 64 hex digits (InventoryDigest.Compute)";
        }

        if (r.Objects is { } objects)
        {
            if (objects.Count > MaxObjects)
            {
                return $"objects: {objects.Count} given, at most {MaxObjects}";
            }

            foreach (InventoryObject o in objects)
            {
                if (o is null || o.BuildId is null || !Validation.BuildId().IsMatch(o.BuildId))
                {
                    return $"objects: build id '{o?.BuildId}' is not lower-case hex (2 to 64 bytes)";
                }

                if (string.IsNullOrEmpty(o.Path) || o.Path.Length > 4096 || (o.Package?.Length ?? 0) > 256 || (o.Version?.Length ?? 0) > 256)
                {
                    return $"objects: {o.BuildId}: path (1 to 4096 characters), package and version (at most 256) are out of bounds";
                }

                if (o.Processes is null || o.Processes.Count > MaxProcessesPerObject)
                {
                    return $"objects: {o.BuildId}: give its processes (at most {MaxProcessesPerObject})";
                }

                foreach (InventoryProcess? p in o.Processes)
                {
                    if (p is null || p.Pid <= 0 || p.Level < 0 || p.Command is null || p.Command.Length > 256 || (p.PatchId?.Length ?? 0) > 256)
                    {
                        return $"objects: {o.BuildId}: process {p?.Pid}: pid must be positive, level 0 or more, command and patch id at most 256 characters";
                    }
                }
            }
        }

        if (r.Results is null || r.Results.Count > MaxResults)
        {
            return $"results: give a list of at most {MaxResults}";
        }

        foreach (ProcessResult res in r.Results)
        {
            if (res is null || res.PatchSha256 is null || !Validation.Sha256().IsMatch(res.PatchSha256) || res.BuildId is null || !Validation.BuildId().IsMatch(res.BuildId)
                || !Enum.IsDefined(res.Action) || !Enum.IsDefined(res.Outcome) || (res.Message?.Length ?? 0) > 4096)
            {
                return $"results: result {res?.Id}: needs patchSha256 (64 hex digits), buildId (hex), action, outcome and a message of at most 4096 characters";
            }
        }

        return (r.AgentVersion?.Length ?? 0) > 64 ? "agentVersion: at most 64 characters" : null;
    }

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
