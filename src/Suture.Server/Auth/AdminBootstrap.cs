using Microsoft.EntityFrameworkCore;
using Suture.Server.Audit;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Auth;

/// <summary>
/// At first start (no admin token in the database) creates one and writes it to DATA/admin-token
/// (mode 0600, new file only): the operator reads it once, keeps it elsewhere and may delete the
/// file. The database holds only its hash.
/// </summary>
internal static class AdminBootstrap
{
    public static async Task EnsureAsync(ServerDb db, AuditLog audit, string dataDirectory, TimeProvider time, Action<string> say, CancellationToken ct)
    {
        if (await db.ApiTokens.AnyAsync(ct))
        {
            return;
        }

        string token = Secrets.New(Secrets.AdminPrefix);
        string file = Path.Combine(dataDirectory, "admin-token");
        await WriteTransaction.RunAsync(db, async () =>
        {
            if (await db.ApiTokens.AnyAsync(ct))
            {
                return false; // another instance was first
            }

            db.ApiTokens.Add(new ApiToken
            {
                TokenHash = Secrets.Hash(token),
                Prefix = Secrets.Visible(token),
                Name = "initial-admin",
                Role = Roles.Admin,
                Created = time.GetUtcNow(),
            });
            await audit.AppendAsync(db, "server", "token.create", "initial-admin", new() { ["role"] = Roles.Admin, ["prefix"] = Secrets.Visible(token) }, null, ct);
            await db.SaveChangesAsync(ct);
            PrivateFile.Write(file, System.Text.Encoding.ASCII.GetBytes(token + "\n"));
            say($"suture-server: created the first admin token in {file} (read it, keep it safe, delete the file)");
            return true;
        }, ct);
    }
}
