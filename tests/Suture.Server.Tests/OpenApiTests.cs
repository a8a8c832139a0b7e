using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suture.Protocol;

namespace Suture.Server.Tests;

/// <summary>The OpenAPI document is generated from the code and names every endpoint of the API; errors are ProblemDetails.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_lists_every_api_endpoint_and_unknown_paths_get_problem_details()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        HttpResponseMessage answer = await s.Anonymous.GetAsync("/openapi/v1.json");
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        using JsonDocument document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        JsonElement paths = document.RootElement.GetProperty("paths");

        var missing = new List<string>();
        foreach (RouteEndpoint e in ((IEndpointRouteBuilder)s.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith(ProtocolVersion.PathPrefix, StringComparison.Ordinal)))
        {
            string path = e.RoutePattern.RawText!.Replace(":long", "", StringComparison.Ordinal);
            path = path.Length > 1 ? path.TrimEnd('/') : path;
            foreach (string method in e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                if (!(paths.TryGetProperty(path, out JsonElement item) || paths.TryGetProperty(path + "/", out item)) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
                {
                    missing.Add($"{method} {path}");
                }
            }
        }

        Assert.True(missing.Count == 0, "not in /openapi/v1.json: " + string.Join(", ", missing));

        ProblemResponse unknown = await (await s.Admin.GetAsync("/api/v1/no-such-thing")).ProblemAsync(404);
        Assert.Equal(ProblemTypes.NotFound, unknown.Type);
        ProblemResponse wrongMethod = await (await s.Admin.DeleteAsync("/api/v1/feeds")).ProblemAsync(405);
        Assert.StartsWith("urn:suture:problem:", wrongMethod.Type);
    }
}
