using System.Text.Json.Serialization;

namespace Suture.Contracts;

/// <summary>
/// The source-generated serializer of the OSV records: the OSV schema's snake_case names, indented,
/// optional fields left out rather than written as null.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OsvExport))]
public sealed partial class OsvJsonContext : JsonSerializerContext;
