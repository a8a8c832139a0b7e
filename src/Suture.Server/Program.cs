using Suture.Server;
using Suture.Server.Audit;
using Suture.Server.Configuration;
using Suture.Server.Data;

// suture-server                run the server (settings: README, docs/protocol.md)
// suture-server audit verify   check the audit log's hash chain; exit 0 if intact, 1 if not
// suture-server user ...        add a user or make a token offline (docs/server.md, Users/UserTool)
try
{
    if (args is ["user", .. var userArgs])
    {
        string[] tool = [.. userArgs.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))];
        await using WebApplication users = ServerApp.Build([.. userArgs.Skip(tool.Length)], say: Console.Error.WriteLine, tool: true);
        using IServiceScope scope = users.Services.CreateScope();
        ServerDb db = scope.ServiceProvider.GetRequiredService<ServerDb>();
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(db.Database);
        return await Suture.Server.Users.UserTool.RunAsync(
            tool, db, users.Services.GetRequiredService<AuditLog>(), users.Services.GetRequiredService<TimeProvider>(), Console.In, Console.Out, Console.Error, CancellationToken.None);
    }

    if (args is ["audit", "verify", ..])
    {
        await using WebApplication tool = ServerApp.Build(args[2..], say: Console.Error.WriteLine, tool: true);
        using IServiceScope scope = tool.Services.CreateScope();
        var result = await AuditLog.VerifyAsync(scope.ServiceProvider.GetRequiredService<ServerDb>(), CancellationToken.None);
        Console.WriteLine(result.Valid
            ? $"audit log intact: {result.Entries} entries"
            : $"audit log broken at entry {result.FirstBadEntry}: {result.Problem}");
        return result.Valid ? 0 : 1;
    }

    await using WebApplication app = ServerApp.Build(args);
    await ServerApp.PrepareAsync(app, Console.WriteLine, CancellationToken.None);
    await app.StartAsync();
    ServerIdentity identity = app.Services.GetRequiredService<ServerIdentity>();
    foreach (string address in ServerApp.Addresses(app))
    {
        Console.WriteLine($"suture-server: listening on {address}");
    }

    Console.WriteLine(identity.CertificatePin is { } pin
        ? $"suture-server: certificate {pin} (agents: suture agent register --pin {pin})"
        : "suture-server: plain HTTP on loopback (Suture:AllowPlainHttp)");
    await app.WaitForShutdownAsync();
    return 0;
}
catch (ServerConfigurationException e)
{
    Console.Error.WriteLine($"suture-server: {e.Message}");
    return 2;
}
