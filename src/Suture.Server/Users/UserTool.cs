using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Users;

/// <summary>
/// <c>suture-server user ...</c>, on the server machine with the server's settings (the database,
/// no network): the way back in when no admin can sign in (a lost password, a deleted bootstrap
/// token). Audited with the actor <c>server-console</c>.
/// <code>
/// suture-server user add NAME ROLE     # password: one line on standard input (an empty line: none)
/// suture-server user token NAME [DAYS] # prints a new personal token for NAME (default 30 days)
/// </code>
/// </summary>
internal static class UserTool
{
    public const string Usage = "usage: suture-server user add NAME admin|operator|read-only (password on stdin) | suture-server user token NAME [DAYS]";

    /// <returns>0 done, 1 refused (the message says why), 2 bad command line.</returns>
    public static async Task<int> RunAsync(string[] args, ServerDb db, AuditLog audit, TimeProvider time, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        switch (args)
        {
            case ["add", string name, string role]:
                if (!UserEndpoints.Name().IsMatch(name) || !Roles.IsUserRole(role))
                {
                    await stderr.WriteLineAsync($"suture-server: user add: '{name}' must be a user name (lower-case letters, digits, . _ - @) and '{role}' one of admin, operator, read-only");
                    return 2;
                }

                string? password = (await stdin.ReadLineAsync(ct))?.TrimEnd('\r');
                password = string.IsNullOrEmpty(password) ? null : password;
                if (password is not null && Passwords.Problem(password) is { } weak)
                {
                    await stderr.WriteLineAsync($"suture-server: user add: {weak}");
                    return 1;
                }

                bool added = await WriteTransaction.RunAsync(db, async () =>
                {
                    if (await db.Users.AnyAsync(u => u.Name == name, ct))
                    {
                        return false;
                    }

                    db.Users.Add(new User { Name = name, Role = role, PasswordHash = password is null ? null : Passwords.Hash(password), SessionStamp = UserEndpoints.NewStamp(), Created = time.GetUtcNow() });
                    await audit.AppendAsync(db, "server-console", "user.create", $"user:{name}", new() { ["role"] = role, ["password"] = password is null ? "none" : "set" }, null, ct);
                    await db.SaveChangesAsync(ct);
                    return true;
                }, ct);
                if (!added)
                {
                    await stderr.WriteLineAsync($"suture-server: user add: user {name} already exists; change it with PUT /api/v1/users/{name}");
                    return 1;
                }

                await stdout.WriteLineAsync($"user {name} ({role}) created{(password is null ? " without a password (use: suture-server user token " + name + ")" : "")}");
                return 0;

            case ["token", string who, .. var rest] when rest.Length <= 1:
                int days = 30;
                if (rest.Length == 1 && (!int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > TokenEndpoints.MaxDays))
                {
                    await stderr.WriteLineAsync($"suture-server: user token: DAYS '{rest[0]}' is not from 1 to {TokenEndpoints.MaxDays}");
                    return 2;
                }

                var user = await db.Users.AsNoTracking().Where(u => u.Name == who).Select(u => new { u.Id, u.Role, u.Disabled }).FirstOrDefaultAsync(ct);
                if (user is null || user.Disabled is not null)
                {
                    await stderr.WriteLineAsync($"suture-server: user token: no enabled user {who} (suture-server user add {who} admin)");
                    return 1;
                }

                string secret = Secrets.New(Secrets.AdminPrefix);
                await WriteTransaction.RunAsync(db, async () =>
                {
                    DateTimeOffset now = time.GetUtcNow();
                    db.ApiTokens.Add(new ApiToken { TokenHash = Secrets.Hash(secret), Prefix = Secrets.Visible(secret), Name = "server-console", Role = user.Role, UserId = user.Id, Created = now, Expires = now.AddDays(days) });
                    await audit.AppendAsync(db, "server-console", "token.create", $"user:{who}", new() { ["prefix"] = Secrets.Visible(secret), ["role"] = user.Role, ["days"] = days.ToString(CultureInfo.InvariantCulture) }, null, ct);
                    await db.SaveChangesAsync(ct);
                    return true;
                }, ct);
                await stdout.WriteLineAsync(secret);
                return 0;

            default:
                await stderr.WriteLineAsync("suture-server: " + Usage);
                return 2;
        }
    }
}
