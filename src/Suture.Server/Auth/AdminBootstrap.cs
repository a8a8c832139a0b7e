using Microsoft.EntityFrameworkCore;
using Suture.Server.Audit;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Users;

namespace Suture.Server.Auth;

/// <summary>
/// The one-time bootstrap: at first start (no user in the database) creates the user <c>admin</c>
/// (role admin, no password: nobody can sign in with a default one) and a token for it, written to
/// DATA/admin-token (mode 0600, new file only). The operator reads it once, sets a password
/// (<c>PUT /api/v1/users/admin</c>) or makes personal tokens, and deletes the file. The database
/// holds only the token's hash. <c>suture-server user ...</c> does the same offline.
/// </summary>
internal static class AdminBootstrap
{
    public const string UserName = "admin";

    public static async Task EnsureAsync(ServerDb db, AuditLog audit, string dataDirectory, TimeProvider time, Action<string> say, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(ct))
        {
            return;
        }

        string token = Secrets.New(Secrets.AdminPrefix);
        string file = Path.Combine(dataDirectory, "admin-token");
        await WriteTransaction.RunAsync(db, async () =>
        {
            if (await db.Users.AnyAsync(ct))
            {
                return false; // another instance was first
            }

            var admin = db.Users.Add(new User { Name = UserName, Role = Roles.Admin, SessionStamp = UserEndpoints.NewStamp(), Created = time.GetUtcNow() }).Entity;
            db.ApiTokens.Add(new ApiToken
            {
                TokenHash = Secrets.Hash(token),
                Prefix = Secrets.Visible(token),
                Name = "initial-admin",
                Role = Roles.Admin,
                User = admin,
                Created = time.GetUtcNow(),
            });
            await audit.AppendAsync(db, "server", "token.create", "initial-admin", new()
            {
                ["user"] = UserName + " (created, no password)",
                ["role"] = Roles.Admin,
                ["prefix"] = Secrets.Visible(token),
            }, null, ct);
            await db.SaveChangesAsync(ct);
            PrivateFile.Write(file, System.Text.Encoding.ASCII.GetBytes(token + "\n"));
            say($"suture-server: created the user admin and its first token in {file} (read it, keep it safe, delete the file)");
            return true;
        }, ct);
    }
}
