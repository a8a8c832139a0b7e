using PuppeteerSharp;
using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests.Web;

/// <summary>
/// The web UI in a real headless Chromium against a real server (loopback, TLS with its generated
/// certificate, SQLite): sign in, see a host vulnerable, approve the patch, the host checks in
/// through the protocol and applies it, and the UI shows the host fixed.
/// </summary>
public sealed class WebUiTests
{
    private const string Cve = "CVE-2026-0001";

    [Fact]
    public async Task Sign_in_approve_a_patch_and_see_the_host_it_reaches_change()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        await s.FeedAsync("production", ApprovalMode.Manual);
        await s.FeedAsync("later", ApprovalMode.Manual, promotesFrom: "production");
        (RegistrationResponse registered, HttpClient host) = await s.HostAsync("production", "web-1");
        PatchInfo patch = await s.UploadAsync(Fleet.Patch(1, cves: Cve));
        await s.UserAsync("olga", UserRole.Operator, Users.Password);
        List<InventoryObject> unpatched = Fleet.Inventory((100, 0));
        Assert.Empty((await host.CheckInAsync(unpatched)).Directives);
        await using Chromium chromium = await Chromium.LaunchAsync(s);

        IResponse first = await chromium.GoAsync(s, "/hosts");
        Assert.Equal(new Uri(s.BaseAddress, "/sign-in?ReturnUrl=%2Fhosts").ToString(), chromium.Url);
        Assert.Equal(Suture.Server.Web.WebUi.ContentSecurityPolicy, first.Headers["content-security-policy"]);
        await chromium.Page.TypeAsync("#name", "olga");
        await chromium.Page.TypeAsync("#password", Users.Password);
        await chromium.ClickAndWaitAsync("#sign-in");
        Assert.Equal(new Uri(s.BaseAddress, "/hosts").ToString(), chromium.Url);
        Assert.Equal("0", await chromium.TextAsync($"#hosts-table tr[data-host='{registered.HostId}'] td[data-field=patched]"));

        await chromium.GoAsync(s, "/");
        Assert.Equal("1", await chromium.TextAsync($"#coverage-table tr[data-cve='{Cve}'] td[data-state=vulnerable]"));
        await chromium.Page.WaitForSelectorAsync($"#coverage-chart g[data-cve='{Cve}'] rect[data-state=vulnerable][data-hosts='1']");
        await chromium.ScreenshotAsync("overview-before");
        await chromium.GoAsync(s, $"/hosts/{registered.HostId}");
        await chromium.Page.WaitForSelectorAsync("tr[data-pid='100'][data-level='0']");
        await chromium.Page.WaitForSelectorAsync($"li[data-cve='{Cve}'][data-state=vulnerable]");

        await chromium.GoAsync(s, "/patches");
        await chromium.ClickAndWaitAsync($"#patches-table tr[data-sha256='{patch.Sha256}'] a.patch-link");
        Assert.Equal("not approved", await chromium.TextAsync($"#deployments tr[data-feed=production] td.state"));
        await chromium.ScreenshotAsync("patch");
        await chromium.ClickAndWaitAsync($"#deployments tr[data-feed=production] button.approve");
        Assert.Contains("approved", await chromium.TextAsync("#flash"), StringComparison.Ordinal);
        Assert.Equal("deployed", await chromium.TextAsync($"#deployments tr[data-feed=production] td.state"));

        // The tier after production shows its order and takes the approved level by promotion.
        await chromium.GoAsync(s, "/feeds");
        string feeds = await chromium.TextAsync("#feeds-table tbody");
        Assert.True(feeds.IndexOf("production", StringComparison.Ordinal) < feeds.IndexOf("later", StringComparison.Ordinal), feeds);
        Assert.Equal("production", await chromium.TextAsync("#feeds-table tr[data-feed=later][data-tier='1'] td[data-promotes-from]"));
        await chromium.GoAsync(s, "/feeds/later");
        Assert.Equal("not approved", await chromium.TextAsync("#deployments tr[data-feed=later] td.state"));
        await chromium.ClickAndWaitAsync("#promote");
        Assert.Contains("promoted", await chromium.TextAsync("#flash"), StringComparison.Ordinal);
        Assert.Equal("deployed", await chromium.TextAsync("#deployments tr[data-feed=later] td.state"));
        await chromium.ScreenshotAsync("feed-promoted");

        // The host's next check-in, through the protocol: it is told to apply level 1, does, and reports so.
        ObjectDirective directive = Assert.Single((await host.CheckInAsync(null, InventoryDigest.Compute(unpatched))).Directives);
        Assert.Equal((DirectiveAction.Apply, 1, patch.Sha256), (directive.Action, directive.Level, directive.Patch?.Sha256));
        ProcessResult applied = new(Guid.NewGuid(), patch.Sha256, Fleet.BuildId, 100, ResultAction.Apply, ResultOutcome.Succeeded, null, s.Time.GetUtcNow());
        Assert.Empty((await host.CheckInAsync(Fleet.Inventory((100, 1)), results: [applied])).Directives);

        await chromium.GoAsync(s, $"/hosts/{registered.HostId}");
        await chromium.Page.WaitForSelectorAsync("tr[data-pid='100'][data-level='1']");
        await chromium.Page.WaitForSelectorAsync($"li[data-cve='{Cve}'][data-state=fixed]");
        await chromium.Page.WaitForSelectorAsync("#results-table tr[data-outcome=succeeded]");
        await chromium.ScreenshotAsync("host-after");
        await chromium.GoAsync(s, "/");
        Assert.Equal("1", await chromium.TextAsync($"#coverage-table tr[data-cve='{Cve}'] td[data-state=fixed]"));
        Assert.Equal("0", await chromium.TextAsync($"#coverage-table tr[data-cve='{Cve}'] td[data-state=vulnerable]"));
        await chromium.Page.WaitForSelectorAsync($"#coverage-chart g[data-cve='{Cve}'] rect[data-state=fixed][data-hosts='1']");
        await chromium.ScreenshotAsync("overview-after");

        await chromium.GoAsync(s, "/audit");
        await chromium.ScreenshotAsync("audit");
        Assert.Contains("user:olga", await chromium.TextAsync("#audit-table tr[data-action='feed.enable']"), StringComparison.Ordinal);
        Assert.StartsWith("Hash chain intact", await chromium.TextAsync("#audit-verification"), StringComparison.Ordinal);

        await chromium.ClickAndWaitAsync("#sign-out");
        await chromium.GoAsync(s, "/hosts");
        Assert.StartsWith(new Uri(s.BaseAddress, "/sign-in").ToString(), chromium.Url, StringComparison.Ordinal);
        lock (chromium.Console)
        {
            Assert.DoesNotContain(chromium.Console, line => line.Contains("Content Security Policy", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused_on_the_sign_in_page()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        await s.UserAsync("olga", UserRole.Operator, Users.Password);
        await using Chromium chromium = await Chromium.LaunchAsync(s);

        await chromium.GoAsync(s, "/sign-in");
        await chromium.Page.TypeAsync("#name", "olga");
        await chromium.Page.TypeAsync("#password", "not olga's password");
        IResponse refused = await chromium.ClickAndWaitAsync("#sign-in");

        Assert.Equal(401, (int)refused.Status);
        Assert.Contains("Sign-in refused", await chromium.TextAsync("#error"), StringComparison.Ordinal);
        await chromium.GoAsync(s, "/");
        Assert.StartsWith(new Uri(s.BaseAddress, "/sign-in").ToString(), chromium.Url, StringComparison.Ordinal);
    }
}
