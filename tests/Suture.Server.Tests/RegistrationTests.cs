using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

public abstract class RegistrationTests(Database database)
{
    [Fact]
    public async Task A_valid_key_registers_a_host_whose_token_checks_in()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        KeyCreated key = await s.KeyAsync("production");

        RegistrationResponse host = await (await s.RegisterAsync(key.Key)).ReadAsync<RegistrationResponse>();

        Assert.Equal("production", host.Feed);
        Assert.StartsWith("suth_", host.HostToken);
        CheckInResponse answer = await s.Client(host.HostToken).CheckInAsync(Fleet.Inventory((100, 0)));
        Assert.Equal("production", answer.Feed);
        Assert.Empty(answer.Directives);
        HostInfo listed = Assert.Single(await (await s.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>());
        Assert.Equal(host.HostId, listed.Id);
        Assert.Equal(["role=web"], listed.Tags);
        Assert.Equal(s.Time.GetUtcNow(), listed.LastCheckIn);
        Assert.Equal(1, Assert.Single(await (await s.Admin.GetAsync("/api/v1/keys")).ReadAsync<IReadOnlyList<KeyInfo>>()).Hosts);
        Assert.DoesNotContain(key.Key, string.Join('\n', (await s.AuditAsync()).Select(e => e.Details + e.Subject + e.Actor)));
    }

    [Fact]
    public async Task A_revoked_key_registers_nobody_and_hosts_it_registered_keep_working()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        KeyCreated key = await s.KeyAsync("production");
        RegistrationResponse before = await (await s.RegisterAsync(key.Key)).ReadAsync<RegistrationResponse>();

        KeyInfo revoked = await (await s.Admin.PostAsync($"/api/v1/keys/{key.Id}/revoke", null)).ReadAsync<KeyInfo>();
        KeyInfo again = await (await s.Admin.PostAsync($"/api/v1/keys/{key.Id}/revoke", null)).ReadAsync<KeyInfo>();

        Assert.NotNull(revoked.Revoked);
        Assert.Equal(revoked.Revoked, again.Revoked);
        ProblemResponse problem = await (await s.RegisterAsync(key.Key, hostname: "web-2")).ProblemAsync(403);
        Assert.Equal(ProblemTypes.KeyRevoked, problem.Type);
        Assert.Contains(key.Info.Prefix, problem.Detail);
        Assert.Single(await (await s.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>());
        await s.Client(before.HostToken).CheckInAsync([]);
        Assert.Single(await s.AuditAsync(), e => e.Action == "key.revoke");
    }

    [Fact]
    public async Task A_key_over_its_host_limit_is_refused_but_the_same_machine_may_register_again()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("staging");
        KeyCreated key = await s.KeyAsync("staging", limit: 2);
        RegistrationResponse first = await (await s.RegisterAsync(key.Key, "a1")).ReadAsync<RegistrationResponse>();
        await (await s.RegisterAsync(key.Key, "b2")).ReadAsync<RegistrationResponse>();

        ProblemResponse problem = await (await s.RegisterAsync(key.Key, "c3")).ProblemAsync(403);
        RegistrationResponse again = await (await s.RegisterAsync(key.Key, "a1")).ReadAsync<RegistrationResponse>();

        Assert.Equal(ProblemTypes.HostLimitReached, problem.Type);
        Assert.Equal(first.HostId, again.HostId);
        Assert.NotEqual(first.HostToken, again.HostToken);
        await (await s.Client(first.HostToken).PostCheckInAsync([])).ProblemAsync(401);
        await s.Client(again.HostToken).CheckInAsync([]);
        Assert.Equal(2, (await (await s.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>()).Count);
        Assert.Equal(2, Assert.Single(await (await s.Admin.GetAsync("/api/v1/keys")).ReadAsync<IReadOnlyList<KeyInfo>>()).Hosts);
    }

    [Fact]
    public async Task Concurrent_registrations_never_exceed_the_host_limit()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        KeyCreated key = await s.KeyAsync("production", limit: 3);

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => s.RegisterAsync(key.Key, $"m{i}", $"host-{i}")));

        Assert.Equal(3, answers.Count(a => a.IsSuccessStatusCode));
        Assert.Equal(5, answers.Count(a => (int)a.StatusCode == 403));
        Assert.Equal(3, (await (await s.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>()).Count);
        Assert.True((await s.VerifyAuditAsync()).Valid);
    }

    [Fact]
    public async Task Unknown_keys_and_malformed_registrations_are_refused_with_problem_details()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        KeyCreated key = await s.KeyAsync("production");
        long entries = (await s.VerifyAuditAsync()).Entries;

        Assert.Equal(ProblemTypes.UnknownKey, (await (await s.RegisterAsync("sutk_not-a-key")).ProblemAsync(401)).Type);
        Assert.Equal(ProblemTypes.Validation, (await (await s.RegisterAsync(key.Key, hostname: "bad\u001b[2Jname")).ProblemAsync(400)).Type);
        var tooManyTags = new RegistrationRequest(key.Key, "web", null, [.. Enumerable.Range(0, 33).Select(i => $"t{i}")]);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Anonymous.PostJsonAsync("/api/v1/register", tooManyTags)).ProblemAsync(400)).Type);
        using var broken = new StringContent("{\"registrationKey\": ", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(ProblemTypes.Malformed, (await (await s.Anonymous.PostAsync("/api/v1/register", broken)).ProblemAsync(400)).Type);
        using var huge = new StringContent($"{{\"registrationKey\": \"{new string('x', 5 << 20)}\", \"hostname\": \"h\"}}", System.Text.Encoding.UTF8, "application/json");
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/register") { Content = huge };
        hugeRequest.Headers.ExpectContinue = true; // the client waits for the server's verdict before sending the body
        Assert.Equal(ProblemTypes.TooLarge, (await (await s.Anonymous.SendAsync(hugeRequest)).ProblemAsync(413)).Type);

        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>());
        Assert.Equal(entries, (await s.VerifyAuditAsync()).Entries);
    }
}

public sealed class RegistrationTestsOnSqlite() : RegistrationTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class RegistrationTestsOnPostgres(PostgresCluster cluster) : RegistrationTests(new PostgresDatabase(cluster));
