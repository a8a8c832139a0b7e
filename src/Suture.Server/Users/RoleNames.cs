using Suture.Protocol.Admin;
using Suture.Server.Auth;

namespace Suture.Server.Users;

/// <summary>The contracts' <see cref="UserRole"/> and the role names stored and put in claims.</summary>
internal static class RoleNames
{
    public static string Of(UserRole role) => role switch
    {
        UserRole.Admin => Roles.Admin,
        UserRole.Operator => Roles.Operator,
        _ => Roles.ReadOnly,
    };

    public static UserRole Parse(string role) => role switch
    {
        Roles.Admin => UserRole.Admin,
        Roles.Operator => UserRole.Operator,
        _ => UserRole.ReadOnly,
    };
}
