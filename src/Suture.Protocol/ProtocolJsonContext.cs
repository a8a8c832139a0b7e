using System.Text.Json.Serialization;
using Suture.Protocol.Admin;

namespace Suture.Protocol;

/// <summary>
/// Source-generated JSON for every contract (camelCase names, enums as their lower-case names), so the
/// NativeAOT agent and CLI serialise exactly as the server does.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(RegistrationRequest))]
[JsonSerializable(typeof(RegistrationResponse))]
[JsonSerializable(typeof(CheckInRequest))]
[JsonSerializable(typeof(CheckInResponse))]
[JsonSerializable(typeof(FeedRequest))]
[JsonSerializable(typeof(FeedInfo))]
[JsonSerializable(typeof(IReadOnlyList<FeedInfo>))]
[JsonSerializable(typeof(KeyRequest))]
[JsonSerializable(typeof(KeyCreated))]
[JsonSerializable(typeof(IReadOnlyList<KeyInfo>))]
[JsonSerializable(typeof(PatchInfo))]
[JsonSerializable(typeof(IReadOnlyList<PatchInfo>))]
[JsonSerializable(typeof(FeedPatchInfo))]
[JsonSerializable(typeof(IReadOnlyList<FeedPatchInfo>))]
[JsonSerializable(typeof(HostInfo))]
[JsonSerializable(typeof(IReadOnlyList<HostInfo>))]
[JsonSerializable(typeof(TagsRequest))]
[JsonSerializable(typeof(IReadOnlyList<AuditEntryInfo>))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(ProblemResponse))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(IReadOnlyList<UserInfo>))]
[JsonSerializable(typeof(PasswordChangeRequest))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(TokenInfo))]
[JsonSerializable(typeof(IReadOnlyList<TokenInfo>))]
[JsonSerializable(typeof(IReadOnlyList<HostReportRow>))]
[JsonSerializable(typeof(HostReport))]
[JsonSerializable(typeof(IReadOnlyList<CveSummary>))]
[JsonSerializable(typeof(CveReport))]
[JsonSerializable(typeof(IReadOnlyList<PatchReportRow>))]
[JsonSerializable(typeof(PatchReport))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
