using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PuppeteerSharp;
using Suture.Protocol;

namespace Suture.Server.Tests.Web;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol by PuppeteerSharp. It trusts
/// exactly the test server's key (<c>--ignore-certificate-errors-spki-list</c> with the hash of
/// its public key, after checking the server's pin), is sent only to the loopback address and
/// uses no proxy. Closed (its process killed) on dispose, also when a test fails.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Every wait for a page, a selector or the browser ends by this deadline.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly IBrowser _browser;

    private Chromium(IBrowser browser, IPage page, List<string> console)
    {
        _browser = browser;
        Page = page;
        Console = console;
    }

    public IPage Page { get; }

    /// <summary>What the pages wrote to the console (a CSP violation is reported there).</summary>
    public List<string> Console { get; }

    public static async Task<Chromium> LaunchAsync(ServerUnderTest server)
    {
        Assert.True(File.Exists(Executable), $"{Executable}: not installed; run scripts/install-deps.sh (apt-get install chromium)");
        string spki = await ServerKeyHashAsync(server);
        IBrowser browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Timeout = (int)Deadline.TotalMilliseconds,
            ProtocolTimeout = (int)Deadline.TotalMilliseconds,
            Args =
            [
                "--no-sandbox", // the tests run as root, where Chromium's sandbox refuses to start
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--no-proxy-server",
                $"--ignore-certificate-errors-spki-list={spki}",
            ],
        });
        try
        {
            IPage page = await browser.NewPageAsync();
            page.DefaultTimeout = (int)Deadline.TotalMilliseconds;
            page.DefaultNavigationTimeout = (int)Deadline.TotalMilliseconds;
            var console = new List<string>();
            page.Console += (_, e) =>
            {
                lock (console)
                {
                    console.Add($"{e.Message.Type}: {e.Message.Text}");
                }
            };
            return new Chromium(browser, page, console);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> of the server and waits for the page's load event.</summary>
    public async Task<IResponse> GoAsync(ServerUnderTest server, string path) =>
        await Page.GoToAsync(new Uri(server.BaseAddress, path).ToString(), WaitUntilNavigation.Load);

    /// <summary>Clicks what <paramref name="selector"/> finds and waits for the page it leads to.</summary>
    public async Task<IResponse> ClickAndWaitAsync(string selector)
    {
        await Page.WaitForSelectorAsync(selector);
        Task<IResponse> navigation = Page.WaitForNavigationAsync(new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
        await Page.ClickAsync(selector);
        return await navigation;
    }

    /// <summary>The text of the first element <paramref name="selector"/> finds, once there is one.</summary>
    public async Task<string> TextAsync(string selector)
    {
        IElementHandle element = await Page.WaitForSelectorAsync(selector);
        return (await element.EvaluateFunctionAsync<string>("e => e.textContent")).Trim();
    }

    public string Url => Page.Url;

    /// <summary>With SUTURE_WEB_SCREENSHOTS=DIR set, saves the page as DIR/NAME.png (to look at the UI; nothing is asserted on it).</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("SUTURE_WEB_SCREENSHOTS") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await Page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
            await Page.ScreenshotAsync(Path.Combine(directory, name + ".png"), new ScreenshotOptions { FullPage = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
    }

    /// <summary>base64(SHA-256(SubjectPublicKeyInfo)) of the server's certificate, after checking its pin.</summary>
    private static async Task<string> ServerKeyHashAsync(ServerUnderTest server)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        X509Certificate2? seen = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            seen = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return seen is not null && CertificatePin.Matches(seen, server.Pin!);
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        using X509Certificate2 certificate = seen!;
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }
}
