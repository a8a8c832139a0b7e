using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>Users with roles, web sign-in with a cookie, personal API tokens (expiry, shown once, hashed, revocable).</summary>
public abstract class UserTests(Database database)
{
    [Fact]
    public async Task The_bootstrap_admin_has_no_password_until_one_is_set_then_signs_in_with_a_cookie()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        UserInfo admin = Assert.Single(await (await s.Admin.GetAsync("/api/v1/users")).ReadAsync<IReadOnlyList<UserInfo>>());
        Assert.Equal(new UserInfo("admin", UserRole.Admin, false, admin.Created, null), admin);
        Assert.Equal(ProblemTypes.SignInFailed, (await (await s.SignInAsync("admin", "")).Answer.ProblemAsync(401)).Type);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.PutJsonAsync("/api/v1/users/admin", new UserRequest(UserRole.Admin, "short"))).ProblemAsync(400)).Type);

        await s.UserAsync("admin", UserRole.Admin, Users.Password);
        (HttpClient browser, System.Net.CookieContainer cookies, HttpResponseMessage answer) = await s.SignInAsync("admin", Users.Password);

        SessionInfo session = await answer.ReadAsync<SessionInfo>();
        Assert.Equal(new SessionInfo("admin", UserRole.Admin, "session", null), session);
        string setCookie = Assert.Single(answer.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("suture_session=", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(session, await (await browser.GetAsync("/api/v1/session")).ReadAsync<SessionInfo>());
        await s.FeedAsync("production");
        await (await browser.GetAsync("/api/v1/feeds/production")).ReadAsync<FeedInfo>();

        // A change with the cookie needs the Suture-Protocol header: a cross-site form cannot send it.
        browser.DefaultRequestHeaders.Remove(ProtocolVersion.HeaderName);
        ProblemResponse csrf = await (await browser.PutJsonAsync("/api/v1/feeds/staging", new FeedRequest(ApprovalMode.Manual, 0))).ProblemAsync(403);
        Assert.Contains(ProtocolVersion.HeaderName, csrf.Detail);
        browser.DefaultRequestHeaders.Add(ProtocolVersion.HeaderName, "1");
        await (await browser.PutJsonAsync("/api/v1/feeds/staging", new FeedRequest(ApprovalMode.Manual, 0))).ReadAsync<FeedInfo>();

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await browser.DeleteAsync("/api/v1/session")).StatusCode);
        await (await browser.GetAsync("/api/v1/feeds")).ProblemAsync(401);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await browser.DeleteAsync("/api/v1/session")).StatusCode);
        IReadOnlyList<AuditEntryInfo> audit = await s.AuditAsync();
        Assert.Contains(audit, e => e.Action == "user.sign-in.failed" && e.Subject == "user:admin");
        Assert.Contains(audit, e => e.Action == "user.sign-in" && e.Actor == "user:admin");
        Assert.Contains(audit, e => e.Action == "feed.create" && e.Subject == "staging" && e.Actor == "user:admin");
        Assert.DoesNotContain(Users.Password, string.Join('\n', audit.Select(e => e.Details)));
        await s.WithDatabaseAsync(async db => Assert.DoesNotContain(Users.Password, (await db.Users.SingleAsync()).PasswordHash!));
    }

    [Fact]
    public async Task A_password_change_or_disabling_the_user_ends_its_sessions_and_tokens()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.UserAsync("alice", UserRole.Operator, Users.Password);
        TokenCreated token = await (await s.Admin.PostJsonAsync("/api/v1/users/alice/tokens", new TokenRequest("ci", 30, null))).ReadAsync<TokenCreated>();
        HttpClient api = s.Client(token.Token);
        (HttpClient browser, _, HttpResponseMessage signedIn) = await s.SignInAsync("alice", Users.Password);
        await signedIn.ReadAsync<SessionInfo>();

        ProblemResponse wrong = await (await browser.PutJsonAsync("/api/v1/session/password", new PasswordChangeRequest("not it", "a new long passphrase"))).ProblemAsync(403);
        Assert.Contains("currentPassword", wrong.Detail);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await browser.PutJsonAsync("/api/v1/session/password", new PasswordChangeRequest(Users.Password, "a new long passphrase"))).StatusCode);

        await (await browser.GetAsync("/api/v1/session")).ProblemAsync(401); // the old session's stamp is gone
        Assert.Equal(ProblemTypes.SignInFailed, (await (await s.SignInAsync("alice", Users.Password)).Answer.ProblemAsync(401)).Type);
        (HttpClient again, _, HttpResponseMessage second) = await s.SignInAsync("alice", "a new long passphrase");
        await second.ReadAsync<SessionInfo>();
        await (await api.GetAsync("/api/v1/feeds")).ReadAsync<IReadOnlyList<FeedInfo>>();

        UserInfo disabled = await (await s.Admin.PostAsync("/api/v1/users/alice/disable", null)).ReadAsync<UserInfo>();
        UserInfo twice = await (await s.Admin.PostAsync("/api/v1/users/alice/disable", null)).ReadAsync<UserInfo>();

        Assert.Equal(disabled, twice);
        await (await again.GetAsync("/api/v1/session")).ProblemAsync(401);
        await (await api.GetAsync("/api/v1/feeds")).ProblemAsync(401);
        await (await s.SignInAsync("alice", "a new long passphrase")).Answer.ProblemAsync(401);
        Assert.Single(await s.AuditAsync(), e => e.Action == "user.disable");
        await (await s.Admin.PostAsync("/api/v1/users/alice/enable", null)).ReadAsync<UserInfo>();
        await (await api.GetAsync("/api/v1/feeds")).ReadAsync<IReadOnlyList<FeedInfo>>();
    }

    [Fact]
    public async Task Tokens_are_shown_once_stored_hashed_expire_and_are_revocable()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        (TokenCreated bob, HttpClient bobApi) = await s.UserTokenAsync("bob", UserRole.ReadOnly, days: 7);
        Assert.StartsWith("suta_", bob.Token);
        Assert.Equal(s.Time.GetUtcNow().AddDays(7), bob.Info.Expires);
        Assert.Equal(UserRole.ReadOnly, bob.Info.Role);

        TokenCreated own = await (await bobApi.PostJsonAsync("/api/v1/tokens", new TokenRequest("laptop", 1, null))).ReadAsync<TokenCreated>();
        ProblemResponse higher = await (await bobApi.PostJsonAsync("/api/v1/tokens", new TokenRequest("more", 1, UserRole.Operator))).ProblemAsync(403);
        Assert.Contains("operator", higher.Detail);
        Assert.Equal(ProblemTypes.Validation, (await (await bobApi.PostJsonAsync("/api/v1/tokens", new TokenRequest("forever", 10_000, null))).ProblemAsync(400)).Type);
        IReadOnlyList<TokenInfo> listed = await (await bobApi.GetAsync("/api/v1/tokens")).ReadAsync<IReadOnlyList<TokenInfo>>();
        Assert.Equal(["bob-token", "laptop"], listed.Select(t => t.Name));
        await (await bobApi.GetAsync("/api/v1/tokens?all=true")).ProblemAsync(403);
        Assert.Equal(3, (await (await s.Admin.GetAsync("/api/v1/tokens?all=true")).ReadAsync<IReadOnlyList<TokenInfo>>()).Count);
        await s.WithDatabaseAsync(async db =>
        {
            var rows = await db.ApiTokens.AsNoTracking().ToListAsync();
            Assert.DoesNotContain(rows, t => t.TokenHash.Contains(bob.Token[5..20], StringComparison.Ordinal) || t.Prefix == bob.Token);
            Assert.Contains(rows, t => t.TokenHash == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(bob.Token))));
        });
        string audit = string.Join('\n', (await s.AuditAsync()).Select(e => e.Details + e.Subject + e.Actor));
        Assert.DoesNotContain(bob.Token, audit);
        Assert.DoesNotContain(own.Token, audit);

        HttpClient laptop = s.Client(own.Token);
        await (await laptop.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>();
        s.Time.Advance(TimeSpan.FromDays(1));
        await (await laptop.GetAsync("/api/v1/hosts")).ProblemAsync(401); // expired
        await (await bobApi.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>();

        TokenInfo revoked = await (await bobApi.PostAsync($"/api/v1/tokens/{bob.Id}/revoke", null)).ReadAsync<TokenInfo>();
        Assert.Equal(revoked, await (await s.Admin.PostAsync($"/api/v1/tokens/{bob.Id}/revoke", null)).ReadAsync<TokenInfo>());
        Assert.NotNull(revoked.Revoked);
        await (await bobApi.GetAsync("/api/v1/hosts")).ProblemAsync(401);
        Assert.Single(await s.AuditAsync(), e => e.Action == "token.revoke");
    }

    [Fact]
    public async Task A_token_does_no_more_than_its_user_now_can_and_the_last_admin_stays()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        PatchInfo patch = await s.UploadAsync(Fleet.Patch(1));
        (_, HttpClient reader) = await s.UserTokenAsync("reader", UserRole.ReadOnly);
        (_, HttpClient carol) = await s.UserTokenAsync("carol", UserRole.Operator);
        (_, HttpClient limited) = await s.UserTokenAsync("dave", UserRole.Admin, tokenRole: UserRole.ReadOnly);
        string approve = $"/api/v1/feeds/production/patches/{patch.Sha256}/enable";

        Assert.Equal(ProblemTypes.Forbidden, (await (await reader.PostAsync(approve, null)).ProblemAsync(403)).Type);
        await (await limited.PostAsync(approve, null)).ProblemAsync(403);
        await (await limited.GetAsync("/api/v1/users")).ProblemAsync(403);
        await (await carol.GetAsync("/api/v1/users")).ProblemAsync(403);
        await (await carol.PostAsync(approve, null)).ReadAsync<IReadOnlyList<FeedPatchInfo>>();
        Assert.Contains(await s.AuditAsync(), e => e.Action == "feed.enable" && e.Actor.StartsWith("user:carol/token:carol-token(suta_", StringComparison.Ordinal));

        UserInfo demoted = await s.UserAsync("carol", UserRole.ReadOnly);
        Assert.Equal(UserRole.ReadOnly, demoted.Role);
        await (await carol.PostAsync(approve, null)).ProblemAsync(403);

        long before = (await s.VerifyAuditAsync()).Entries;
        Assert.Equal(demoted, await s.UserAsync("carol", UserRole.ReadOnly)); // the same again changes nothing
        Assert.Equal(before, (await s.VerifyAuditAsync()).Entries);
        await (await s.Admin.PostAsync("/api/v1/users/dave/disable", null)).ReadAsync<UserInfo>();
        Assert.Equal(ProblemTypes.Conflict, (await (await s.Admin.PutJsonAsync("/api/v1/users/admin", new UserRequest(UserRole.Operator, null))).ProblemAsync(409)).Type);
        await (await s.Admin.PostAsync("/api/v1/users/admin/disable", null)).ProblemAsync(409);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.PutJsonAsync("/api/v1/users/Bad%20Name", new UserRequest(UserRole.Operator, null))).ProblemAsync(400)).Type);
        await (await s.Admin.GetAsync("/api/v1/users/nobody")).ProblemAsync(404);
        Assert.True((await s.VerifyAuditAsync()).Valid);
    }

    [Fact]
    public async Task The_server_console_adds_a_user_and_makes_a_token_when_nobody_can_sign_in()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        var audit = new Suture.Server.Audit.AuditLog(s.Time);
        var output = new StringWriter();
        var errors = new StringWriter();
        int added = 0, weak = 0, token = 0, usage = 0;
        await s.WithDatabaseAsync(async db =>
        {
            added = await Suture.Server.Users.UserTool.RunAsync(["add", "root", "admin"], db, audit, s.Time, new StringReader(Users.Password + "\n"), output, errors, default);
            weak = await Suture.Server.Users.UserTool.RunAsync(["add", "weak", "operator"], db, audit, s.Time, new StringReader("short\n"), output, errors, default);
            usage = await Suture.Server.Users.UserTool.RunAsync(["add", "x", "superuser"], db, audit, s.Time, new StringReader(""), output, errors, default);
            token = await Suture.Server.Users.UserTool.RunAsync(["token", "root", "2"], db, audit, s.Time, new StringReader(""), output, errors, default);
        });

        Assert.Equal((0, 1, 2, 0), (added, weak, usage, token));
        string secret = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.StartsWith("suta_", secret);
        SessionInfo who = await (await s.Client(secret).GetAsync("/api/v1/session")).ReadAsync<SessionInfo>();
        Assert.Equal(("root", UserRole.Admin, "token"), (who.Name, who.Role, who.Via));
        Assert.Equal(s.Time.GetUtcNow().AddDays(2), who.TokenExpires);
        await (await s.SignInAsync("root", Users.Password)).Answer.ReadAsync<SessionInfo>();
        Assert.Contains(await s.AuditAsync(), e => e.Actor == "server-console" && e.Action == "user.create" && e.Subject == "user:root");
        Assert.True((await s.VerifyAuditAsync()).Valid);
    }
}

public sealed class UserTestsOnSqlite() : UserTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class UserTestsOnPostgres(PostgresCluster cluster) : UserTests(new PostgresDatabase(cluster));
