using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Suture.Protocol;

namespace Suture.Server.Tests.Web;

/// <summary>A browser's session without the browser: cookies kept, redirects not followed, forms posted with their antiforgery token.</summary>
internal sealed partial class WebSession : IDisposable
{
    private readonly HttpClient _client;

    public WebSession(ServerUnderTest server)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = Cookies,
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 cert && CertificatePin.Matches(cert, server.Pin!),
            },
        };
        _client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CookieContainer Cookies { get; } = new();

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    /// <summary>The antiforgery token of the form on <paramref name="path"/>.</summary>
    public async Task<string> FormTokenAsync(string path)
    {
        string html = await (await _client.GetAsync(path)).Content.ReadAsStringAsync();
        Match m = TokenInput().Match(html);
        Assert.True(m.Success, $"{path}: no antiforgery token in the page: {html}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields) =>
        _client.PostAsync(path, new FormUrlEncodedContent(fields));

    public async Task<HttpResponseMessage> SignInAsync(string name, string password = Users.Password) =>
        await PostFormAsync("/sign-in/password", new() { ["name"] = name, ["password"] = password, ["__RequestVerificationToken"] = await FormTokenAsync("/sign-in") });

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
