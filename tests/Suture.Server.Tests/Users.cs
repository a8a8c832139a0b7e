using System.Net;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>Users, tokens and sign-in through the HTTP API, as an admin would set them up.</summary>
internal static class Users
{
    public const string Password = "correct horse battery staple";

    public static async Task<UserInfo> UserAsync(this ServerUnderTest s, string name, UserRole role, string? password = null) =>
        await (await s.Admin.PutJsonAsync($"/api/v1/users/{name}", new UserRequest(role, password))).ReadAsync<UserInfo>();

    /// <summary>A new user of <paramref name="role"/> (no password) and a client using a token the admin made for it.</summary>
    public static async Task<(TokenCreated Token, HttpClient Client)> UserTokenAsync(this ServerUnderTest s, string name, UserRole role, int days = 30, UserRole? tokenRole = null)
    {
        await s.UserAsync(name, role);
        TokenCreated token = await (await s.Admin.PostJsonAsync($"/api/v1/users/{name}/tokens", new TokenRequest($"{name}-token", days, tokenRole))).ReadAsync<TokenCreated>();
        return (token, s.Client(token.Token));
    }

    /// <summary>A client signed in with a cookie (no bearer token).</summary>
    public static async Task<(HttpClient Client, CookieContainer Cookies, HttpResponseMessage Answer)> SignInAsync(this ServerUnderTest s, string name, string password)
    {
        var cookies = new CookieContainer();
        HttpClient client = s.Client(null, cookies: cookies);
        HttpResponseMessage answer = await client.PostJsonAsync("/api/v1/session", new SignInRequest(name, password));
        return (client, cookies, answer);
    }
}
