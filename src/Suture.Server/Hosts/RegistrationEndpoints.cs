using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Hosts;

/// <summary>
/// <c>POST /api/v1/register</c>: a host trades a registration key for an identity and a token. The key's
/// host limit is taken with one conditional update, so concurrent registrations cannot exceed it.
/// </summary>
internal static class RegistrationEndpoints
{
    public const int MaxTags = 32;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/register", RegisterAsync).AllowAnonymous().RequireRateLimiting(AuthSetup.RegistrationLimit).WithTags("Hosts");

    private static async Task<Results<Ok<RegistrationResponse>, ProblemHttpResult>> RegisterAsync(
        RegistrationRequest request, ServerDb db, AuditLog audit, TimeProvider time, ServerSettings settings, HttpContext http, CancellationToken ct)
    {
        if (Check(request) is { } invalid)
        {
            return Problem.Invalid(invalid);
        }

        string keyHash = Secrets.Hash(request.RegistrationKey);
        RegistrationKey? key = await db.RegistrationKeys.AsNoTracking().Include(k => k.Feed).FirstOrDefaultAsync(k => k.KeyHash == keyHash, ct);
        if (key is null)
        {
            return Problem.Of(401, ProblemTypes.UnknownKey, "Unknown registration key", "the registration key is not one this server issued; ask the operator for a key of your feed");
        }

        if (key.Revoked is not null)
        {
            return Problem.Of(403, ProblemTypes.KeyRevoked, "Registration key revoked", $"registration key {key.Prefix}… was revoked on {key.Revoked:u}; ask the operator for a new key");
        }

        string token = Secrets.New(Secrets.HostPrefix);
        string? outcome = null;
        string hostId = await WriteTransaction.RunAsync(db, async () =>
        {
            outcome = null;
            ManagedHost? existing = request.MachineId is null ? null
                : await db.Hosts.Include(h => h.Tags).FirstOrDefaultAsync(h => h.RegistrationKeyId == key.Id && h.MachineId == request.MachineId, ct);
            if (existing is null)
            {
                int taken = await db.RegistrationKeys
                    .Where(k => k.Id == key.Id && k.Revoked == null && (k.HostLimit == null || k.HostCount < k.HostLimit))
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.HostCount, k => k.HostCount + 1), ct);
                if (taken == 0)
                {
                    outcome = "limit";
                    return "";
                }
            }

            ManagedHost host = existing ?? db.Hosts.Add(new ManagedHost
            {
                Id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                TokenHash = "",
                Hostname = request.Hostname,
                MachineId = request.MachineId,
                FeedId = key.FeedId,
                RegistrationKeyId = key.Id,
                Registered = time.GetUtcNow(),
            }).Entity;
            host.TokenHash = Secrets.Hash(token);
            host.Hostname = request.Hostname;
            host.AgentVersion = request.AgentVersion;
            HostTagSet.Set(host, request.Tags ?? []);
            await audit.AppendAsync(db, $"key:{key.Prefix}", existing is null ? "host.register" : "host.reregister", $"host:{host.Id}", new()
            {
                ["hostname"] = request.Hostname,
                ["feed"] = key.Feed.Name,
                ["tags"] = string.Join(' ', request.Tags ?? []),
            }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return host.Id;
        }, ct);
        if (outcome == "limit")
        {
            return Problem.Of(403, ProblemTypes.HostLimitReached, "Host limit reached", $"registration key {key.Prefix}… allows {key.HostLimit} hosts and all are registered; ask the operator to raise the limit or for another key");
        }

        return TypedResults.Ok(new RegistrationResponse(hostId, token, key.Feed.Name, settings.CheckInIntervalSeconds));
    }

    private static string? Check(RegistrationRequest r)
    {
        if (string.IsNullOrEmpty(r.RegistrationKey) || r.RegistrationKey.Length > Secrets.MaxLength)
        {
            return "registrationKey: give the key the operator created";
        }

        if (string.IsNullOrWhiteSpace(r.Hostname) || r.Hostname.Length > 255 || !Validation.IsPrintable(r.Hostname))
        {
            return "hostname: give 1 to 255 printable characters";
        }

        if (r.MachineId is { } m && (m.Length is 0 or > 64 || !m.All(char.IsAsciiLetterOrDigit)))
        {
            return "machineId: give 1 to 64 letters and digits (/etc/machine-id), or leave it out";
        }

        if (r.AgentVersion is { } v && (v.Length > 64 || !Validation.IsPrintable(v)))
        {
            return "agentVersion: give at most 64 printable characters";
        }

        if (r.Tags is { } tags)
        {
            if (TagProblem(tags) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    public static string? TagProblem(IReadOnlyList<string> tags)
    {
        if (tags.Count > MaxTags)
        {
            return $"tags: {tags.Count} given, at most {MaxTags} allowed";
        }

        foreach (string? t in tags)
        {
            if (t is null || !Validation.Tag().IsMatch(t))
            {
                return $"tags: '{t}' is not 1 to 64 of letters, digits and . _ : = / @ + -";
            }
        }

        return null;
    }
}
