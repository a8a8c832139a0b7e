using System.CommandLine;
using System.Text.Json;
using Suture.Agent;
using Suture.Agent.Cache;
using Suture.Agent.Configuration;
using Suture.Agent.Server;
using Suture.Cli.Output;
using Suture.Contracts;
using Suture.Protocol;

namespace Suture.Cli.Commands;

/// <summary>
/// <c>suture agent</c>: the host daemon that keeps every process patched (docs/agent.md):
/// register, run (the service), check (one check-in now), approve and unblock (operator
/// decisions kept in the state directory), status.
/// </summary>
internal static class AgentCommand
{
    private static readonly Option<string?> Config = new("--config")
    {
        Description = $"Agent configuration file (default: ${AgentConfig.EnvironmentVariable}, else {AgentConfig.DefaultPath})",
        Recursive = true,
    };

    public static Command Create(IConsole console)
    {
        var agent = new Command("agent", "The host agent: checks in with the fleet server (or reads an offline store) and keeps every process patched")
        {
            Register(console), Run(console), Check(console), Approve(console), Unblock(console), Status(console),
        };
        agent.Options.Add(Config);
        return agent;
    }

    private static (string Path, AgentConfig Config) Load(ParseResult result)
    {
        string path = AgentConfigFile.Choose(result.GetValue(Config));
        return (path, AgentConfigFile.Load(path));
    }

    private static Command Register(IConsole console)
    {
        var server = new Option<string?>("--server") { Description = "The server's address, https://HOST:PORT (default: 'server' of the configuration)" };
        var key = new Option<string>("--key") { Description = "Registration key (sutk_...) the operator created for this host's feed", Required = true };
        var pin = new Option<string?>("--pin") { Description = "The server certificate's SHA-256 (sha256:...), as suture-server printed it; only that certificate is accepted from then on" };
        var tags = new Option<string[]>("--tag") { Description = "A tag for this host (role=web); repeatable; adds to the configuration's tags", AllowMultipleArgumentsPerToken = false };
        var command = new Command("register", "Register this host with the server and store its identity and the server's certificate pin") { server, key, pin, tags };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            AgentConfig config = Load(result).Config;
            string address = result.GetValue(server) ?? config.Server
                ?? throw new SutureException("no server to register with: give --server https://HOST:PORT or set 'server' in the agent configuration", ExitCode.Usage);
            string? pinned = result.GetValue(pin);
            if (pinned is not null && CertificatePin.Normalize(pinned) is null)
            {
                throw new SutureException($"--pin '{Printable.Text(pinned)}' is not sha256: and 64 hex digits; copy the pin suture-server printed", ExitCode.Usage);
            }

            string registrationKey = result.GetValue(key)!;
            using var client = new ServerClient(address, pinned, token: null);
            RegistrationResponse registered = client.Register(new RegistrationRequest(
                registrationKey, Environment.MachineName, MachineId(), [.. config.Tags, .. result.GetValue(tags) ?? []], AgentEngine.AgentVersion));
            var identity = new AgentIdentity(address, CertificatePin.Normalize(pinned), registered.HostId, registered.HostToken, registered.Feed, DateTimeOffset.UtcNow);
            identity.Save(config.StateDirectory);
            console.Out.WriteLine($"registered with {Printable.Text(address)} as host {registered.HostId} in feed {Printable.Text(registered.Feed)}{(pinned is null ? " (no pin: the system's CAs validate the server)" : $" (pinned {identity.Pin})")}; identity in {AgentIdentity.PathIn(config.StateDirectory)}");
            return 0;
        }));
        return command;
    }

    private static Command Run(IConsole console)
    {
        var command = new Command("run", "Run the agent in the foreground (the service): check in on the interval and keep every process patched; SIGHUP checks in now; SIGTERM ends it with every process resumed");
        command.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            (string path, AgentConfig config) = Load(result);
            using var loop = new AgentLoop(config, line => console.Error.WriteLine($"suture agent: {Printable.Text(line)}"));
            console.Error.WriteLine($"suture agent: started ({config.Mode.ToString().ToLowerInvariant()} mode, configuration {Printable.Text(path)}, pid {Environment.ProcessId})");
            // The process watcher (src/Suture.Agent/Watching): new processes, dlopen, exits for the safety watch.
            using var watcher = Suture.Agent.Watching.ProcessWatcher.Create(loop.Log);
            // SIGHUP (systemctl reload): check in now.
            using var reload = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, signal =>
            {
                signal.Cancel = true;
                loop.RequestCheckIn();
            });
            console.Interruption.Guard(() =>
            {
                loop.Run([watcher], cancel);
                return 0;
            });
            console.Error.WriteLine($"suture agent: stopped by {console.Interruption.Signal ?? "request"}; every process it touched was resumed");
            return 0;
        }, serviceLoop: true));
        return command;
    }

    private static Command Check(IConsole console)
    {
        var command = new Command("check", "Check in now (or read the offline store), apply and revert what it orders, and print what was done");
        command.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            AgentConfig config = Load(result).Config;
            using var loop = new AgentLoop(config, line => console.Out.WriteLine(Printable.Text(line)));
            CycleSummary summary = console.Interruption.Guard(() => loop.CheckNow(cancel));
            console.Out.WriteLine($"{Printable.Text(summary.Source)}: {summary.Directives} directive(s); {summary.Applied} applied, {summary.Reverted} reverted, {summary.Busy} busy, {summary.Failed} failed, {summary.Exited} exited");
            if (cancel.IsCancellationRequested)
            {
                throw new SutureException("agent check interrupted; the processes listed above are done, the others untouched", ExitCode.Interrupted);
            }

            return summary.Failed > 0 || summary.Busy > 0 ? (int)ExitCode.PartialFailure : 0;
        }));
        return command;
    }

    private static Command Approve(IConsole console)
    {
        var id = new Argument<string>("id") { Description = "Patch id, or its SHA-256 (8 hex digits at least), of a patch in the agent's cache" };
        var command = new Command("approve", "Manual mode: approve a downloaded, verified patch for this host; the running agent applies it within seconds, 'agent check' at once") { id };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            AgentConfig config = Load(result).Config;
            string wanted = result.GetValue(id)!;
            var cache = new PatchCache(config.CacheDirectory, new PatchVerification(config.TrustDirectory));
            List<VerifiedPatch> named = [.. cache.All((path, e) => console.Error.WriteLine($"warning: {Printable.Text(path)} refused: {Printable.Text(e.Message)}")).Where(p => p.IsNamedBy(wanted))];
            if (named.Count == 0)
            {
                throw new SutureException($"no patch '{Printable.Text(wanted)}' in the agent's cache {config.CacheDirectory}; 'suture agent check' downloads what the server offers, 'suture agent status' lists the cache", ExitCode.Usage);
            }

            if (named.Select(p => p.FileSha256).Distinct().Count() > 1)
            {
                throw new SutureException($"'{Printable.Text(wanted)}' names {named.Count} cached patches ({string.Join(", ", named.Select(p => $"{p.FileSha256[..12]} level {p.Level}"))}); give the SHA-256", ExitCode.Usage);
            }

            VerifiedPatch patch = named[0];
            Approvals.Add(config.StateDirectory, patch.FileSha256);
            console.Out.WriteLine($"approved {Printable.Text(patch.Id)} level {patch.Level} for {Printable.Text(patch.ObjectName)} ({patch.FileSha256}) on this host");
            return 0;
        }));
        return command;
    }

    private static Command Unblock(IConsole console)
    {
        var id = new Argument<string>("id") { Description = "Patch id or SHA-256 (8 hex digits at least) of a blocked patch" };
        var command = new Command("unblock", "Clear a patch from the block list (it crashed a process here); the agent applies it again") { id };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            AgentConfig config = Load(result).Config;
            string wanted = result.GetValue(id)!;
            var removed = Agent.Blocking.BlockList.Load(config.StateDirectory).Clear(wanted);
            if (removed.Count == 0)
            {
                throw new SutureException($"no blocked patch '{Printable.Text(wanted)}' on this host; 'suture agent status' lists the blocked ones", ExitCode.Usage);
            }

            foreach (var entry in removed)
            {
                console.Out.WriteLine($"unblocked {Printable.Text(entry.PatchId)} ({entry.PatchSha256}), blocked at {entry.At:u}: {Printable.Text(entry.Reason)}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Status(IConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Write the status as JSON" };
        var command = new Command("status", "Show the server, last check-in, feed, cached patches, per-object coverage and blocked patches") { json };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            (string path, AgentConfig config) = Load(result);
            AgentStatusResult status = AgentStatus.Collect(path, config, warning => console.Error.WriteLine($"warning: {Printable.Text(warning)}"));
            if (result.GetValue(json))
            {
                using Stream stdout = console.OpenStandardOutput();
                JsonSerializer.Serialize(stdout, status, SutureJsonContext.Default.AgentStatusResult);
                stdout.WriteByte((byte)'\n');
                return 0;
            }

            TextWriter o = console.Out;
            o.WriteLine($"mode:         {status.Mode} (configuration {Printable.Text(status.Config)})");
            o.WriteLine($"server:       {(status.Server is null ? "(none; not registered)" : Printable.Text(status.Server))}{(status.Pin is null ? "" : $", pinned {status.Pin}")}");
            o.WriteLine($"host:         {status.HostId ?? "(not registered)"}{(status.Feed is null ? "" : $", feed {Printable.Text(status.Feed)}")}");
            o.WriteLine($"last check:   {(status.LastCheckIn is null ? "never" : $"{status.LastCheckIn.At:u} {(status.LastCheckIn.Succeeded ? "ok" : "failed")}: {Printable.Text(status.LastCheckIn.Message)}{(status.LastCheckIn.Next is DateTime next ? $"; next by {next:u}" : "")}")}");
            o.WriteLine($"patches:      {status.Patches.Count}");
            foreach (AgentCachedPatch p in status.Patches)
            {
                o.WriteLine($"  {p.State,-10} {Printable.Text(p.Id)} level {p.Level} for {Printable.Text(p.ObjectName)} ({p.BuildId}) {p.Sha256[..16]} signed by {Printable.Text(p.Signer)}{(p.Cves.Count > 0 ? " " + string.Join(' ', p.Cves.Select(Printable.Text)) : "")}");
            }

            o.WriteLine($"objects:      {status.Objects.Count}");
            foreach (AgentObjectCoverage c in status.Objects)
            {
                o.WriteLine($"  {Printable.Text(c.ObjectName)} ({c.BuildId}): level {c.Level}, {c.Patched} of {c.Processes} process(es) patched{(c.Unpatched.Count > 0 ? $"; unpatched: {string.Join(' ', c.Unpatched)}" : "")}");
            }

            o.WriteLine($"blocked:      {status.Blocked.Count}");
            foreach (AgentBlockedPatch b in status.Blocked)
            {
                o.WriteLine($"  {Printable.Text(b.Id)} ({b.Sha256[..16]}) since {b.At:u}: {Printable.Text(b.Reason)}");
            }

            return 0;
        }));
        return command;
    }

    private static string? MachineId()
    {
        try
        {
            string id = File.ReadAllText("/etc/machine-id").Trim();
            return id.Length is > 0 and <= 128 ? id : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
