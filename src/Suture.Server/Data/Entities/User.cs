namespace Suture.Server.Data.Entities;

/// <summary>A person (or robot) who manages the fleet: signs in with a password and/or uses personal API tokens.</summary>
internal sealed class User
{
    public long Id { get; set; }

    /// <summary>The sign-in name: lower-case letters, digits, '.', '_', '-', '@'.</summary>
    public required string Name { get; set; }

    /// <summary>admin, operator or read-only (<see cref="Auth.Roles"/>).</summary>
    public required string Role { get; set; }

    /// <summary>ASP.NET Core Identity's PasswordHasher format (PBKDF2); null: this user cannot sign in with a password (tokens only).</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Changes whenever the password, the role or the disabled state changes: sign-in cookies carrying an older stamp stop working.</summary>
    public required string SessionStamp { get; set; }

    public DateTimeOffset Created { get; set; }

    /// <summary>When it was disabled: its sessions and tokens no longer authenticate.</summary>
    public DateTimeOffset? Disabled { get; set; }
}

/// <summary>A user's personal API token, stored as its SHA-256 only; shown once at creation.</summary>
internal sealed class ApiToken
{
    public long Id { get; set; }

    public required string TokenHash { get; set; }

    public required string Prefix { get; set; }

    public required string Name { get; set; }

    /// <summary>The most the token may do; it never does more than its user's role (the lower of the two counts).</summary>
    public required string Role { get; set; }

    public long UserId { get; set; }

    public User User { get; set; } = null!;

    public DateTimeOffset Created { get; set; }

    /// <summary>When it stops working; null only for the bootstrap token (DATA/admin-token) and tokens made with the server's own command.</summary>
    public DateTimeOffset? Expires { get; set; }

    public DateTimeOffset? Revoked { get; set; }
}
