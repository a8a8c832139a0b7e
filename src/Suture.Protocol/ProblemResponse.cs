using System.Text.Json;
using System.Text.Json.Serialization;

namespace Suture.Protocol;

/// <summary>
/// An error answer (RFC 9457 problem details, <c>application/problem+json</c>). <see cref="Type"/> is
/// one of the <c>urn:suture:problem:*</c> names in docs/protocol.md, or <c>about:blank</c>.
/// </summary>
public sealed record ProblemResponse
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    public string? Instance { get; init; }

    /// <summary>Per-field messages of a validation problem.</summary>
    public IDictionary<string, string[]>? Errors { get; init; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extensions { get; set; }
}
