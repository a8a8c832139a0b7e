using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Hosts;

/// <summary>Registered hosts: list, show, set tags (idempotent PUT).</summary>
internal static class HostEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder hosts = api.MapGroup("/hosts").RequireAuthorization(Roles.ReadPolicy).WithTags("Hosts");
        hosts.MapGet("/", ListAsync);
        hosts.MapGet("/{id}", GetAsync);
        hosts.MapPut("/{id}/tags", PutTagsAsync).RequireAuthorization(Roles.OperatePolicy);
    }

    private static async Task<Ok<IReadOnlyList<HostInfo>>> ListAsync(ServerDb db, string? tag, CancellationToken ct)
    {
        IQueryable<ManagedHost> query = db.Hosts.AsNoTracking().Include(h => h.Tags).Include(h => h.Feed);
        if (tag is not null)
        {
            query = query.Where(h => h.Tags.Any(t => t.Tag == tag));
        }

        List<ManagedHost> hosts = await query.OrderBy(h => h.Hostname).ThenBy(h => h.Id).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<HostInfo>>([.. hosts.Select(Info)]);
    }

    private static async Task<Results<Ok<HostInfo>, ProblemHttpResult>> GetAsync(string id, ServerDb db, CancellationToken ct)
    {
        ManagedHost? host = await db.Hosts.AsNoTracking().Include(h => h.Tags).Include(h => h.Feed).FirstOrDefaultAsync(h => h.Id == id, ct);
        return host is null ? Problem.NotFound($"host {id}: no such host") : TypedResults.Ok(Info(host));
    }

    private static async Task<Results<Ok<HostInfo>, ProblemHttpResult>> PutTagsAsync(
        string id, TagsRequest request, ServerDb db, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        string? problem = request.Tags is null ? "tags: give a list" : RegistrationEndpoints.TagProblem(request.Tags);
        if (problem is not null)
        {
            return Problem.Invalid(problem);
        }

        ManagedHost? host = await WriteTransaction.RunAsync(db, async () =>
        {
            ManagedHost? h = await db.Hosts.Include(h => h.Tags).Include(h => h.Feed).FirstOrDefaultAsync(h => h.Id == id, ct);
            if (h is null)
            {
                return null;
            }

            if (!HostTagSet.Set(h, request.Tags!))
            {
                return h;
            }

            await audit.AppendAsync(db, http.User.Actor(), "host.tags", $"host:{h.Id}", new() { ["tags"] = string.Join(' ', h.Tags.Select(t => t.Tag)) }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return h;
        }, ct);
        return host is null ? Problem.NotFound($"host {id}: no such host") : TypedResults.Ok(Info(host));
    }

    private static HostInfo Info(ManagedHost h) => new(
        h.Id, h.Hostname, h.Feed.Name, [.. h.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal)], h.Registered, h.LastCheckIn, h.AgentVersion);
}
