namespace Suture.Server.Auth;

/// <summary>
/// Who may do what (docs/server.md#users-and-roles). Users have one of three roles, ordered:
/// <see cref="ReadOnly"/> reads everything; <see cref="Operator"/> also changes the fleet (feeds,
/// keys, patches, deployment, tags); <see cref="Admin"/> also manages users and their tokens. Hosts
/// (role <see cref="Host"/>) only check in and download what their feed offers.
/// </summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string ReadOnly = "read-only";
    public const string Host = "host";

    /// <summary>Any signed-in user or user token: reading the fleet, the audit log and reports.</summary>
    public const string ReadPolicy = "read";

    /// <summary>Operators and admins: changing the fleet.</summary>
    public const string OperatePolicy = "operate";

    /// <summary>Admins: users and other users' tokens.</summary>
    public const string AdminPolicy = "admin";

    public const string HostPolicy = "host";

    /// <summary>A host or any user (patch download).</summary>
    public const string AnyPolicy = "host-or-user";

    public const string ActorClaim = "suture:actor";

    /// <summary>The user's id (user tokens and sessions); absent for hosts.</summary>
    public const string UserIdClaim = "suture:user";

    /// <summary>The token's id, when a personal token authenticated the request.</summary>
    public const string TokenIdClaim = "suture:token";

    public static readonly string[] UserRoles = [ReadOnly, Operator, Admin];

    public static bool IsUserRole(string? role) => role is not null && Array.IndexOf(UserRoles, role) >= 0;

    /// <summary>0 read-only, 1 operator, 2 admin.</summary>
    public static int Rank(string role) => Array.IndexOf(UserRoles, role);

    /// <summary>The lower of two user roles: what a token may do given its own limit and its user's role.</summary>
    public static string Lower(string a, string b) => Rank(a) <= Rank(b) ? a : b;
}
