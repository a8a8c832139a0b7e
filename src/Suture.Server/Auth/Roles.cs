namespace Suture.Server.Auth;

/// <summary>Who a bearer token speaks for. Users with admin/operator/read-only roles come later (docs/protocol.md#not-yet).</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Host = "host";

    public const string AdminPolicy = "admin";
    public const string HostPolicy = "host";
    public const string AnyPolicy = "admin-or-host";

    public const string ActorClaim = "suture:actor";
}
