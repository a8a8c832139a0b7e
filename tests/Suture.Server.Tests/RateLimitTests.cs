using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>Registration and sign-in are rate-limited per address; the refusal is a 429 ProblemDetails with Retry-After.</summary>
public abstract class RateLimitTests(Database database)
{
    [Fact]
    public async Task Sign_ins_and_registrations_over_the_limit_get_429_and_change_nothing()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database, new()
        {
            ["Suture:RateLimits:SignInsPerMinute"] = "3",
            ["Suture:RateLimits:RegistrationsPerMinute"] = "2",
        });
        await s.UserAsync("admin", UserRole.Admin, Users.Password);
        for (int i = 0; i < 3; i++)
        {
            await (await s.SignInAsync("admin", "wrong password " + i)).Answer.ProblemAsync(401);
        }

        (_, _, HttpResponseMessage limited) = await s.SignInAsync("admin", Users.Password);
        ProblemResponse problem = await limited.ProblemAsync(429);
        Assert.Equal(ProblemTypes.RateLimited, problem.Type);
        Assert.Contains("127.0.0.1", problem.Detail);
        Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());

        await s.FeedAsync("production");
        KeyCreated key = await s.KeyAsync("production");
        await (await s.RegisterAsync(key.Key, "m1", "a")).ReadAsync<RegistrationResponse>();
        await (await s.RegisterAsync(key.Key, "m2", "b")).ReadAsync<RegistrationResponse>();
        Assert.Equal(ProblemTypes.RateLimited, (await (await s.RegisterAsync(key.Key, "m3", "c")).ProblemAsync(429)).Type);
        Assert.Equal(2, (await (await s.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>()).Count);

        // Other endpoints are not limited: the admin token still works.
        await (await s.Admin.GetAsync("/api/v1/feeds")).ReadAsync<IReadOnlyList<FeedInfo>>();
        Assert.DoesNotContain(await s.AuditAsync(), e => e.Action == "user.sign-in");
    }
}

public sealed class RateLimitTestsOnSqlite() : RateLimitTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class RateLimitTestsOnPostgres(PostgresCluster cluster) : RateLimitTests(new PostgresDatabase(cluster));
