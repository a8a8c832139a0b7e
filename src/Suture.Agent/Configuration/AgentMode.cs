using System.Text.Json.Serialization;

namespace Suture.Agent.Configuration;

/// <summary>How the agent decides what to apply (docs/agent.md#modes).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentMode>))]
internal enum AgentMode
{
    /// <summary>Apply what the server's directives (or the offline store) say, as soon as verified.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    /// <summary>Download and verify, apply only what <c>suture agent approve ID</c> approved here.</summary>
    [JsonStringEnumMemberName("manual")]
    Manual,

    /// <summary>No server: the newest level of each object in the store directory, applied as in auto.</summary>
    [JsonStringEnumMemberName("offline")]
    Offline,
}
