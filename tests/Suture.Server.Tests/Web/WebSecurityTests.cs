using System.Net;
using Microsoft.EntityFrameworkCore;
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
        Assert.Equal("/signin?next=%2Ffeeds", page.Headers.Location?.PathAndQuery);
        Assert.Equal(Suture.Server.Web.WebUi.ContentSecurityPolicy, string.Join(",", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", string.Join(",", page.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_session_cookie_is_secure_http_only_and_strict_and_does_not_open_the_api()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        using var web = new WebSession(s);

        HttpResponseMessage signedIn = await web.SignInAsync(s.AdminToken);
        HttpResponseMessage api = await web.GetAsync("/api/v1/hosts");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        string cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("suture-session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/hosts")).StatusCode);
        await api.ProblemAsync(401);
    }

    [Fact]
    public async Task A_change_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        await s.FeedAsync("production");
        PatchInfo patch = await s.UploadAsync(Fleet.Patch(1));
        using var web = new WebSession(s);
        await web.SignInAsync(s.AdminToken);
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
        Assert.Equal("token:initial-admin", entry.Actor[..Math.Min(entry.Actor.Length, "token:initial-admin".Length)]);
        Assert.Equal("127.0.0.1", entry.Remote);
    }

    [Fact]
    public async Task Revoking_the_token_a_session_rests_on_ends_the_session()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        using var web = new WebSession(s);
        await web.SignInAsync(s.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/")).StatusCode);

        await s.WithDatabaseAsync(async db =>
        {
            await db.ApiTokens.ExecuteUpdateAsync(t => t.SetProperty(x => x.Revoked, s.Time.GetUtcNow()));
        });
        HttpResponseMessage after = await web.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/signin?next=%2F", after.Headers.Location?.PathAndQuery);
    }
}
