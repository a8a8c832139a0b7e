using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>
/// Role checks on every endpoint of the API: each is called by nobody, a host, a read-only user, an
/// operator and an admin, and is refused (401 without identity, 403 with too little) exactly below
/// the role this table gives it. An endpoint missing from the table fails the test.
/// </summary>
public abstract class AuthorizationTests(Database database)
{
    private enum Who
    {
        Anonymous,
        Host,
        ReadOnly,
        Operator,
        Admin,
    }

    /// <summary>Who may call each endpoint: the lowest caller allowed, or (host) hosts only, (any) a host or any user.</summary>
    private static readonly Dictionary<string, string> Required = new()
    {
        ["POST /api/v1/register"] = "anonymous",
        ["POST /api/v1/session/"] = "anonymous",
        ["DELETE /api/v1/session/"] = "anonymous",
        ["GET /api/v1/session/"] = "read-only",
        ["PUT /api/v1/session/password"] = "read-only",
        ["POST /api/v1/checkin"] = "host",
        ["GET /api/v1/patches/{sha256}/content"] = "any",
        ["GET /api/v1/patches/"] = "read-only",
        ["GET /api/v1/patches/{sha256}"] = "read-only",
        ["POST /api/v1/patches/"] = "operator",
        ["GET /api/v1/hosts/"] = "read-only",
        ["GET /api/v1/hosts/{id}"] = "read-only",
        ["PUT /api/v1/hosts/{id}/tags"] = "operator",
        ["GET /api/v1/feeds/"] = "read-only",
        ["GET /api/v1/feeds/{name}"] = "read-only",
        ["PUT /api/v1/feeds/{name}"] = "operator",
        ["GET /api/v1/feeds/{name}/patches"] = "read-only",
        ["POST /api/v1/feeds/{name}/patches/{sha256}/enable"] = "operator",
        ["POST /api/v1/feeds/{name}/patches/{sha256}/enable-up-to"] = "operator",
        ["POST /api/v1/feeds/{name}/patches/{sha256}/disable"] = "operator",
        ["POST /api/v1/feeds/{name}/patches/{sha256}/undeploy-down-to"] = "operator",
        ["POST /api/v1/feeds/{name}/objects/{buildId}/undeploy"] = "operator",
        ["POST /api/v1/feeds/{name}/promote"] = "operator",
        ["GET /api/v1/keys/"] = "read-only",
        ["POST /api/v1/keys/"] = "operator",
        ["POST /api/v1/keys/{id:long}/revoke"] = "operator",
        ["GET /api/v1/audit/"] = "read-only",
        ["GET /api/v1/audit/verify"] = "read-only",
        ["GET /api/v1/users/"] = "admin",
        ["GET /api/v1/users/{name}"] = "admin",
        ["PUT /api/v1/users/{name}"] = "admin",
        ["POST /api/v1/users/{name}/disable"] = "admin",
        ["POST /api/v1/users/{name}/enable"] = "admin",
        ["POST /api/v1/users/{name}/tokens"] = "admin",
        ["GET /api/v1/tokens/"] = "read-only",
        ["GET /api/v1/reports/hosts"] = "read-only",
        ["GET /api/v1/reports/hosts/{id}"] = "read-only",
        ["GET /api/v1/reports/silent"] = "read-only",
        ["GET /api/v1/reports/cves"] = "read-only",
        ["GET /api/v1/reports/cves/{cve}"] = "read-only",
        ["GET /api/v1/reports/patches"] = "read-only",
        ["GET /api/v1/reports/patches/{sha256}"] = "read-only",
        ["POST /api/v1/tokens/"] = "read-only",
        ["POST /api/v1/tokens/{id:long}/revoke"] = "read-only",
    };

    [Fact]
    public async Task Every_endpoint_refuses_callers_below_its_role_and_serves_those_at_or_above()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        (RegistrationResponse host, HttpClient hostClient) = await s.HostAsync("production");
        (_, HttpClient reader) = await s.UserTokenAsync("reader", UserRole.ReadOnly);
        (_, HttpClient op) = await s.UserTokenAsync("op", UserRole.Operator);
        var clients = new Dictionary<Who, HttpClient> { [Who.Anonymous] = s.Anonymous, [Who.Host] = hostClient, [Who.ReadOnly] = reader, [Who.Operator] = op, [Who.Admin] = s.Admin };

        List<(string Method, string Pattern)> endpoints = [.. ((IEndpointRouteBuilder)s.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith(ProtocolVersion.PathPrefix, StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (m, e.RoutePattern.RawText!)))];
        List<string> unlisted = [.. endpoints.Select(e => $"{e.Method} {e.Pattern}").Where(k => !Required.ContainsKey(k))];
        List<string> gone = [.. Required.Keys.Where(k => !endpoints.Contains((k.Split(' ')[0], k.Split(' ')[1])))];
        Assert.True(unlisted.Count == 0, "endpoints missing from the role table (add them): " + string.Join(", ", unlisted));
        Assert.True(gone.Count == 0, "the role table names endpoints the server does not have: " + string.Join(", ", gone));

        var failures = new List<string>();
        foreach ((string method, string pattern) in endpoints)
        {
            string required = Required[$"{method} {pattern}"];
            string path = pattern.Replace("{name}", "production", StringComparison.Ordinal).Replace("{sha256}", new string('0', 64), StringComparison.Ordinal)
                .Replace("{id:long}", "999999", StringComparison.Ordinal).Replace("{id}", host.HostId, StringComparison.Ordinal).Replace("{buildId}", Fleet.BuildId, StringComparison.Ordinal).Replace("{cve}", "CVE-2026-0001", StringComparison.Ordinal);
            foreach ((Who who, HttpClient client) in clients)
            {
                bool allowed = Allowed(required, who);
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (pattern == "/api/v1/patches/")
                {
                    request.Content = new ByteArrayContent([]) { Headers = { ContentType = new("application/octet-stream") } };
                }
                else if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                using HttpResponseMessage answer = await client.SendAsync(request);
                int status = (int)answer.StatusCode;
                bool refused = status is 401 or 403 && (await answer.Content.ReadAsStringAsync()).Contains(status == 401 ? ProblemTypes.Unauthorized : ProblemTypes.Forbidden, StringComparison.Ordinal);
                int expected = who == Who.Anonymous ? 401 : 403;
                if (allowed == refused || (!allowed && status != expected))
                {
                    failures.Add($"{method} {path} as {who}: {status} (expected {(allowed ? "served" : expected)})");
                }
            }
        }

        Assert.Empty(failures);
    }

    private static bool Allowed(string required, Who who) => required switch
    {
        "anonymous" => true,
        "host" => who == Who.Host,
        "any" => who != Who.Anonymous,
        "read-only" => who >= Who.ReadOnly,
        "operator" => who >= Who.Operator,
        _ => who == Who.Admin,
    };
}

public sealed class AuthorizationTestsOnSqlite() : AuthorizationTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class AuthorizationTestsOnPostgres(PostgresCluster cluster) : AuthorizationTests(new PostgresDatabase(cluster));
