namespace Suture.Protocol;

/// <summary>The <c>type</c> of each problem the server answers with (docs/protocol.md#errors).</summary>
public static class ProblemTypes
{
    public const string Validation = "urn:suture:problem:validation";
    public const string Malformed = "urn:suture:problem:malformed-request";
    public const string TooLarge = "urn:suture:problem:too-large";
    public const string Unauthorized = "urn:suture:problem:unauthorized";
    public const string Forbidden = "urn:suture:problem:forbidden";
    public const string NotFound = "urn:suture:problem:not-found";
    public const string Conflict = "urn:suture:problem:conflict";
    public const string UnknownKey = "urn:suture:problem:unknown-key";
    public const string KeyRevoked = "urn:suture:problem:key-revoked";
    public const string HostLimitReached = "urn:suture:problem:host-limit-reached";
    public const string InvalidPatch = "urn:suture:problem:invalid-patch";
    public const string UnsupportedVersion = "urn:suture:problem:unsupported-protocol-version";
    public const string MethodNotAllowed = "urn:suture:problem:method-not-allowed";
    public const string UnsupportedMediaType = "urn:suture:problem:unsupported-media-type";
    public const string RateLimited = "urn:suture:problem:rate-limited";
    public const string SignInFailed = "urn:suture:problem:sign-in-failed";
    public const string Internal = "urn:suture:problem:internal";
    public const string NotReady = "urn:suture:problem:not-ready";
}
