using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Format;
using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Patches;

/// <summary>
/// Patches: upload (the raw file; read with Suture.Format's reader, so what is stored is a valid v1
/// patch and its description comes from the file), list, show, download. Uploading the same file
/// again is answered with the stored patch and changes nothing.
/// </summary>
internal static class PatchEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder patches = api.MapGroup("/patches").WithTags("Patches");
        patches.MapPost("/", UploadAsync).RequireAuthorization(Roles.OperatePolicy).Accepts<byte[]>("application/octet-stream");
        patches.MapGet("/", ListAsync).RequireAuthorization(Roles.ReadPolicy);
        patches.MapGet("/{sha256}", GetAsync).RequireAuthorization(Roles.ReadPolicy);
        patches.MapGet("/{sha256}/content", DownloadAsync).RequireAuthorization(Roles.AnyPolicy);
    }

    private static async Task<Results<Created<PatchInfo>, Ok<PatchInfo>, ProblemHttpResult>> UploadAsync(
        HttpContext http, ServerDb db, AuditLog audit, TimeProvider time, ServerSettings settings, string? package, string? version, CancellationToken ct)
    {
        if ((Field("package", package) ?? Field("version", version)) is { } invalid)
        {
            return Problem.Invalid(invalid);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = settings.MaxPatchSize;
        }

        if (http.Request.ContentLength > settings.MaxPatchSize)
        {
            return TooLarge(http.Request.ContentLength.Value, settings.MaxPatchSize);
        }

        byte[] data;
        using (var buffer = new MemoryStream())
        {
            await http.Request.Body.CopyToAsync(buffer, ct);
            data = buffer.ToArray();
        }

        if (data.Length > settings.MaxPatchSize)
        {
            return TooLarge(data.Length, settings.MaxPatchSize);
        }

        var limits = new PatchReadLimits { MaxFileSize = settings.MaxPatchSize };
        PatchFile patch;
        try
        {
            patch = PatchDocument.Read(data, "the uploaded patch", limits).Patch;
        }
        catch (PatchFormatException e)
        {
            return Problem.Of(422, ProblemTypes.InvalidPatch, "Not a valid patch", e.Message);
        }

        (string? signature, string? refusal) = PatchSignatureCheck.Judge(data, settings.Trust);
        if (refusal is not null)
        {
            return Problem.Of(422, ProblemTypes.InvalidPatch, "Signature refused", refusal);
        }

        if (patch.Metadata.Level < 1)
        {
            return Problem.Of(422, ProblemTypes.InvalidPatch, "Not a valid patch", $"the patch's level is {patch.Metadata.Level}; levels start at 1");
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(data));
        string buildId = patch.Target.BuildIdHex;
        (Patch stored, bool created, string? conflict) = await WriteTransaction.RunAsync(db, async () =>
        {
            Patch? same = await db.Patches.Include(p => p.Cves).FirstOrDefaultAsync(p => p.Sha256 == sha256, ct);
            if (same is not null)
            {
                return (same, false, (string?)null);
            }

            Patch? sameLevel = await db.Patches.AsNoTracking().FirstOrDefaultAsync(p => p.BuildId == buildId && p.Level == patch.Metadata.Level, ct);
            if (sameLevel is not null)
            {
                return (sameLevel, false, $"patch {sameLevel.Sha256} ('{sameLevel.PatchId}') already is level {sameLevel.Level} for build id {buildId}; build the new patch with --level {sameLevel.Level + 1} or higher");
            }

            DateTimeOffset now = time.GetUtcNow();
            var p = new Patch
            {
                Sha256 = sha256,
                PatchId = patch.Metadata.Id,
                BuildId = buildId,
                ObjectName = patch.Target.ObjectName,
                Package = package,
                Version = version,
                Level = patch.Metadata.Level,
                Description = patch.Metadata.Description,
                Size = data.Length,
                Uploaded = now,
                Signature = signature!,
                Cves = [.. patch.Metadata.Cves.Distinct(StringComparer.Ordinal).Select(c => new PatchCve { Cve = c })],
            };
            db.Patches.Add(p);
            await db.SaveChangesAsync(ct);
            db.PatchContents.Add(new PatchContent { PatchId = p.Id, Data = data });
            // Automatic first tiers take every upload; later tiers get it by promotion (Feeds/Promotion).
            List<Feed> automatic = await db.Feeds.Where(f => f.ApprovalMode == ApprovalMode.Automatic && f.PromotesFromId == null).ToListAsync(ct);
            foreach (Feed f in automatic)
            {
                db.FeedPatches.Add(new FeedPatch { FeedId = f.Id, PatchId = p.Id, State = FeedPatchState.Enabled, Approved = now, Changed = now });
            }

            await audit.AppendAsync(db, http.User.Actor(), "patch.upload", $"patch:{sha256}", new()
            {
                ["id"] = p.PatchId,
                ["buildId"] = buildId,
                ["object"] = p.ObjectName,
                ["level"] = p.Level.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["cves"] = string.Join(' ', p.Cves.Select(c => c.Cve)),
                ["signature"] = p.Signature,
                ["enabledIn"] = string.Join(' ', automatic.Select(f => f.Name)),
            }, http.Remote(), ct);
            var cause = new Feeds.Promotion.Cause(audit, http.User.Actor(), http.Remote());
            foreach (Feed f in automatic)
            {
                await Feeds.Promotion.CascadeAsync(db, cause, f, [(p, now)], now, ct);
            }

            await db.SaveChangesAsync(ct);
            return (p, true, null);
        }, ct);
        if (conflict is not null)
        {
            return Problem.Conflict(conflict);
        }

        return created ? TypedResults.Created($"/api/v1/patches/{sha256}", Info(stored)) : TypedResults.Ok(Info(stored));
    }

    private static async Task<Ok<IReadOnlyList<PatchInfo>>> ListAsync(ServerDb db, string? buildId, string? cve, CancellationToken ct)
    {
        IQueryable<Patch> query = db.Patches.AsNoTracking().Include(p => p.Cves);
        if (buildId is not null)
        {
            query = query.Where(p => p.BuildId == buildId);
        }

        if (cve is not null)
        {
            query = query.Where(p => p.Cves.Any(c => c.Cve == cve));
        }

        List<Patch> patches = await query.OrderBy(p => p.BuildId).ThenBy(p => p.Level).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<PatchInfo>>([.. patches.Select(Info)]);
    }

    private static async Task<Results<Ok<PatchInfo>, ProblemHttpResult>> GetAsync(string sha256, ServerDb db, CancellationToken ct)
    {
        Patch? p = await db.Patches.AsNoTracking().Include(p => p.Cves).FirstOrDefaultAsync(p => p.Sha256 == sha256, ct);
        return p is null ? NoSuchPatch(sha256) : TypedResults.Ok(Info(p));
    }

    /// <summary>The file; a host gets only patches its feed has enabled.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(string sha256, ServerDb db, HttpContext http, CancellationToken ct)
    {
        Patch? p = await db.Patches.AsNoTracking().FirstOrDefaultAsync(p => p.Sha256 == sha256, ct);
        if (p is null)
        {
            return NoSuchPatch(sha256);
        }

        if (http.User.IsInRole(Roles.Host))
        {
            string hostId = http.User.Subject();
            bool offered = await db.Hosts.Where(h => h.Id == hostId)
                .AnyAsync(h => db.FeedPatches.Any(fp => fp.FeedId == h.FeedId && fp.PatchId == p.Id && fp.State == FeedPatchState.Enabled), ct);
            if (!offered)
            {
                return NoSuchPatch(sha256);
            }
        }

        byte[] data = await db.PatchContents.AsNoTracking().Where(c => c.PatchId == p.Id).Select(c => c.Data).SingleAsync(ct);
        return TypedResults.File(data, "application/octet-stream", $"{p.PatchId}.patch");
    }

    internal static PatchInfo Info(Patch p) => new(
        p.Sha256, p.PatchId, p.BuildId, p.ObjectName, p.Package, p.Version, p.Level,
        [.. p.Cves.Select(c => c.Cve).Order(StringComparer.Ordinal)], p.Description, p.Size, p.Uploaded, p.Signature);

    private static ProblemHttpResult NoSuchPatch(string sha256) =>
        Problem.NotFound($"patch {sha256}: no such patch here (patches are named by the SHA-256 of their file)");

    private static ProblemHttpResult TooLarge(long size, long max) =>
        Problem.Of(413, ProblemTypes.TooLarge, "Patch too large", $"the upload is {size} bytes, more than the limit of {max} (Suture:MaxPatchSize)");

    private static string? Field(string name, string? value) =>
        value is not null && (value.Length is 0 or > 256 || !Validation.IsPrintable(value)) ? $"{name}: give 1 to 256 printable characters" : null;
}
