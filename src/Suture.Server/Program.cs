using System.Runtime.InteropServices;
using Suture.Server;
using Suture.Server.Audit;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Operations;

// suture-server                run the server (settings: README, docs/protocol.md); SIGTERM or
//                              Ctrl-C stop it cleanly (requests in flight finish), exit 0
// suture-server audit verify   check the audit log's hash chain; exit 0 if intact, 1 if not
// suture-server user ...        add a user or make a token offline (docs/server.md, Users/UserTool)
// suture-server backup FILE    copy the SQLite database to FILE while the server runs (docs/server.md)
// suture-server restore FILE   put a backup back (the replaced database is kept beside it)
// Exit codes: 0 done, 1 audit chain broken, 2 bad settings or arguments, 3 the database failed.
using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true; // the host stops; the runtime does not kill the process
    stopping.Cancel();
}

// Registered before anything else, so a signal during start-up (certificate, migrations, a
// database that does not answer) stops the server cleanly too, instead of killing it (exit 143).
using PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using PosixSignalRegistration onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
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

    if (args is ["backup" or "restore", ..])
    {
        return await SqliteBackup.RunAsync(args, Console.WriteLine, Console.Error.WriteLine, stopping.Token);
    }

    await using WebApplication app = ServerApp.Build(args);
    try
    {
        // WaitAsync: Npgsql does not give up a connection that is still authenticating when the
        // token is cancelled (a database that accepts and never answers holds it until its
        // Timeout), so the signal ends the wait itself; the abandoned attempt dies with the process.
        await ServerApp.PrepareAsync(app, Console.WriteLine, stopping.Token).WaitAsync(stopping.Token);
        await app.StartAsync(stopping.Token).WaitAsync(stopping.Token);
    }
    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
    {
        Console.WriteLine("suture-server: stopped by a signal before it started serving");
        return 0;
    }

    ServerIdentity identity = app.Services.GetRequiredService<ServerIdentity>();
    foreach (string address in ServerApp.Addresses(app))
    {
        Console.WriteLine($"suture-server: listening on {address}");
    }

    Console.WriteLine(identity.CertificatePin is { } pin
        ? $"suture-server: certificate {pin} (agents: suture agent register --pin {pin})"
        : "suture-server: plain HTTP on loopback (Suture:AllowPlainHttp)");
    await app.WaitForShutdownAsync(stopping.Token);
    Console.WriteLine("suture-server: stopped");
    return 0;
}
catch (ServerConfigurationException e)
{
    Console.Error.WriteLine($"suture-server: {e.Message}");
    return 2;
}
catch (System.Data.Common.DbException e)
{
    Console.Error.WriteLine($"suture-server: the database failed: {e.Message}; check Suture:Database:ConnectionString and that the database is reachable");
    return 3;
}
