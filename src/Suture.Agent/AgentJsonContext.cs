using System.Text.Json.Serialization;
using Suture.Agent.Blocking;
using Suture.Agent.Configuration;

namespace Suture.Agent;

/// <summary>The agent's own files (configuration, identity, block list), source-generated for NativeAOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AgentConfig))]
[JsonSerializable(typeof(AgentIdentity))]
[JsonSerializable(typeof(LastCheckIn))]
[JsonSerializable(typeof(List<BlockedPatch>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
