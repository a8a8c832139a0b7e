using System.Text.Json.Serialization;

namespace Suture.Contracts;

/// <summary>
/// The source-generated (trimming- and NativeAOT-safe) serializer for every contract: camelCase
/// names, indented. What the CLI writes with <c>--json</c>, and what tools reading it use.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(InspectResult))]
[JsonSerializable(typeof(StatusResult))]
[JsonSerializable(typeof(FleetStatusResult))]
[JsonSerializable(typeof(KernelStatusResult))]
[JsonSerializable(typeof(AgentStatusResult))]
[JsonSerializable(typeof(HostStateResult))]
[JsonSerializable(typeof(HostCvesResult))]
public sealed partial class SutureJsonContext : JsonSerializerContext;
