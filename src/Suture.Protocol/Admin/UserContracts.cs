using System.Text.Json.Serialization;

namespace Suture.Protocol.Admin;

/// <summary>What a user may do: read everything; also change the fleet; also manage users (docs/server.md#users-and-roles).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UserRole>))]
public enum UserRole
{
    [JsonStringEnumMemberName("read-only")]
    ReadOnly,

    [JsonStringEnumMemberName("operator")]
    Operator,

    [JsonStringEnumMemberName("admin")]
    Admin,
}

/// <summary><c>POST /api/v1/session</c>: sign in (sets the session cookie).</summary>
public sealed record SignInRequest(string Name, string Password);

/// <summary>Who the request speaks for: a user signed in (<c>via</c> "session") or a user's token (<c>via</c> "token").</summary>
public sealed record SessionInfo(string Name, UserRole Role, string Via, DateTimeOffset? TokenExpires);

/// <summary><c>PUT /api/v1/users/{name}</c>: create or change a user; a password given is set (unless it already is the user's).</summary>
public sealed record UserRequest(UserRole Role, string? Password);

public sealed record UserInfo(string Name, UserRole Role, bool HasPassword, DateTimeOffset Created, DateTimeOffset? Disabled);

/// <summary><c>PUT /api/v1/session/password</c>: change one's own password (the current one is needed if there is one).</summary>
public sealed record PasswordChangeRequest(string? CurrentPassword, string NewPassword);

/// <summary><c>POST /api/v1/tokens</c>: a personal API token for the caller.</summary>
/// <param name="ExpiresInDays">1 to 366.</param>
/// <param name="Role">At most the caller's role; default the caller's role.</param>
public sealed record TokenRequest(string Name, int ExpiresInDays, UserRole? Role);

/// <summary>The new token; <paramref name="Token"/> is shown only here (the server stores its SHA-256).</summary>
public sealed record TokenCreated(long Id, string Token, TokenInfo Info);

public sealed record TokenInfo(
    long Id,
    string Name,
    string Prefix,
    string User,
    UserRole Role,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    DateTimeOffset? Revoked);
