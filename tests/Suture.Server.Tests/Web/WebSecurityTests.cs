using System.Net;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests.Web;

/// <summary>The web UI's defences over plain HTTP requests: sign-in redirect, headers, cookies, antiforgery, revocation, and no cookie on the API.</summary>
public sealed class WebSecurityTests
{
    [Fact]
    public async Task A_page_without_a_session_redirects_to_sign_in_with_the_security_headers()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        using var web = new WebSession(s);

        HttpResponseMessage page = await web.GetAsync("/feeds");
        HttpResponseMessage css = await web.GetAsync("/static/suture.css");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/sign-in?ReturnUrl=%2Ffeeds", page.Headers.Location?.PathAndQuery);
        Assert.Equal(Suture.Server.Web.WebUi.ContentSecurityPolicy, string.Join(",", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", string.Join(",", page.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_session_cookie_is_secure_http_only_strict_and_ends_with_the_browser()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        await s.UserAsync("alice", UserRole.ReadOnly, Users.Password);
        using var web = new WebSession(s);

        HttpResponseMessage refused = await web.SignInAsync("alice", "not alice's password");
        HttpResponseMessage signedIn = await web.SignInAsync("alice");

        Assert.Equal("/sign-in?failed=true", refused.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        string cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("suture_session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/hosts")).StatusCode);
        IReadOnlyList<AuditEntryInfo> audit = await s.AuditAsync();
        Assert.Contains(audit, e => e.Action == "user.sign-in.failed" && e.Subject == "user:alice");
        Assert.Contains(audit, e => e.Action == "user.sign-in" && e.Actor == "user:alice");
    }

    [Fact]
    public async Task A_sign_in_form_sends_the_browser_only_to_a_path_of_this_server()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        await s.UserAsync("alice", UserRole.ReadOnly, Users.Password);
        using var web = new WebSession(s);
        string token = await web.FormTokenAsync("/sign-in");

        HttpResponseMessage away = await web.PostFormAsync("/sign-in/password", new() { ["name"] = "alice", ["password"] = Users.Password, ["ReturnUrl"] = "//evil.example/", ["__RequestVerificationToken"] = token });
        token = await web.FormTokenAsync("/sign-in"); // a token is bound to who asks for it: now alice
        HttpResponseMessage home = await web.PostFormAsync("/sign-in/password", new() { ["name"] = "alice", ["password"] = Users.Password, ["ReturnUrl"] = "/feeds", ["__RequestVerificationToken"] = token });

        Assert.Equal("/", away.Headers.Location?.OriginalString);
        Assert.Equal("/feeds", home.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_change_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        await s.FeedAsync("production");
        PatchInfo patch = await s.UploadAsync(Fleet.Patch(1));
        await s.UserAsync("olga", UserRole.Operator, Users.Password);
        using var web = new WebSession(s);
        await web.SignInAsync("olga");
        var approve = new Dictionary<string, string> { ["feed"] = "production", ["sha256"] = patch.Sha256, ["buildId"] = patch.BuildId, ["operation"] = "enable", ["back"] = "/feeds/production" };

        HttpResponseMessage forged = await web.PostFormAsync("/deploy", approve);
        IReadOnlyList<FeedPatchInfo> afterForged = await (await s.Admin.GetAsync("/api/v1/feeds/production/patches")).ReadAsync<IReadOnlyList<FeedPatchInfo>>();
        approve["__RequestVerificationToken"] = await web.FormTokenAsync($"/patches/{patch.Sha256}");
        HttpResponseMessage real = await web.PostFormAsync("/deploy", approve);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty(afterForged);
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("/feeds/production", real.Headers.Location?.OriginalString);
        FeedPatchInfo enabled = Assert.Single(await (await s.Admin.GetAsync("/api/v1/feeds/production/patches")).ReadAsync<IReadOnlyList<FeedPatchInfo>>());
        Assert.Equal(FeedPatchState.Enabled, enabled.State);
        AuditEntryInfo entry = Assert.Single(await s.AuditAsync(), e => e.Action == "feed.enable");
        Assert.Equal("user:olga", entry.Actor);
        Assert.Equal("127.0.0.1", entry.Remote);
    }

    [Fact]
    public async Task A_read_only_user_sees_no_buttons_and_a_change_it_posts_is_refused()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        await s.FeedAsync("production");
        PatchInfo patch = await s.UploadAsync(Fleet.Patch(1));
        await s.UserAsync("rita", UserRole.ReadOnly, Users.Password);
        using var web = new WebSession(s);
        await web.SignInAsync("rita");

        string page = await (await web.GetAsync($"/patches/{patch.Sha256}")).Content.ReadAsStringAsync();
        HttpResponseMessage refused = await web.PostFormAsync("/deploy", new()
        {
            ["feed"] = "production", ["sha256"] = patch.Sha256, ["buildId"] = patch.BuildId, ["operation"] = "enable", ["back"] = "/",
            ["__RequestVerificationToken"] = await web.FormTokenAsync("/sign-in"),
        });

        Assert.DoesNotContain("class=\"approve\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("read-only", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/feeds/production/patches")).ReadAsync<IReadOnlyList<FeedPatchInfo>>());
    }
}
