using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suture.Cli.Commands;
using Suture.Cli.Output;
using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Cli.Fleet;

/// <summary>
/// <c>suture fleet ...</c>: the admin CLI over suture-server's REST API (docs/server.md#admin-cli):
/// hosts, feeds, patches, approve, disable, undeploy, promote, reports, audit verify. Server, token and pin from
/// <c>--server/--token/--pin</c> or <c>SUTURE_SERVER/SUTURE_TOKEN/SUTURE_PIN</c>.
/// </summary>
internal static class FleetCommand
{
    private static readonly Option<string?> Server = new("--server") { Description = "The server's address, e.g. https://fleet.example:8443 (default: $SUTURE_SERVER)", Recursive = true };
    private static readonly Option<string?> Token = new("--token") { Description = "A personal API token (default: $SUTURE_TOKEN)", Recursive = true };
    private static readonly Option<string?> Pin = new("--pin") { Description = "Accept only the server certificate with this sha256: pin (default: $SUTURE_PIN; without one, the system's CAs)", Recursive = true };
    private static readonly Option<bool> Json = new("--json") { Description = "Write the server's JSON instead of text", Recursive = true };

    public static Command Create(IConsole console)
    {
        var fleet = new Command("fleet", "Manage a fleet through suture-server's API (hosts, patches, deployment, reports, audit)") { Server, Token, Pin, Json };
        fleet.Subcommands.Add(Hosts(console));
        fleet.Subcommands.Add(Patches(console));
        fleet.Subcommands.Add(Deploy(console, "approve", "enable", "Approve a patch in a feed (deployed after the feed's delay); --up-to approves every lower level too"));
        fleet.Subcommands.Add(Deploy(console, "disable", "disable", "Stop offering a patch in a feed (hosts running it keep it)"));
        fleet.Subcommands.Add(Undeploy(console));
        fleet.Subcommands.Add(Feeds(console));
        fleet.Subcommands.Add(Promote(console));
        fleet.Subcommands.Add(Report(console));
        fleet.Subcommands.Add(Audit(console));
        return fleet;
    }

    private static Command Hosts(IConsole console)
    {
        var tag = new Option<string?>("--tag") { Description = "Only hosts with this tag" };
        var command = new Command("hosts", "List registered hosts") { tag };
        command.SetAction(r => Run(console, r, (client, ct) =>
        {
            string? t = r.GetValue(tag);
            var hosts = client.Get<IReadOnlyList<HostInfo>>("api/v1/hosts" + (t is null ? "" : "?tag=" + Uri.EscapeDataString(t)), ct);
            Write(console, r, hosts, () =>
            {
                foreach (HostInfo h in hosts)
                {
                    console.Out.WriteLine($"{h.Id}  {Printable.Text(h.Hostname)}  feed {Printable.Text(h.Feed)}  last check-in {When(h.LastCheckIn)}  {Printable.Text(string.Join(' ', h.Tags))}");
                }
            });
            return 0;
        }));
        return command;
    }

    private static Command Patches(IConsole console)
    {
        var cve = new Option<string?>("--cve") { Description = "Only patches that fix this CVE" };
        var command = new Command("patches", "List uploaded patches") { cve };
        command.SetAction(r => Run(console, r, (client, ct) =>
        {
            string? c = r.GetValue(cve);
            var patches = client.Get<IReadOnlyList<PatchInfo>>("api/v1/patches" + (c is null ? "" : "?cve=" + Uri.EscapeDataString(c)), ct);
            Write(console, r, patches, () =>
            {
                foreach (PatchInfo p in patches)
                {
                    console.Out.WriteLine($"{p.Sha256}  {Printable.Text(p.Id)} level {p.Level}  build id {p.BuildId}  {Printable.Text(string.Join(' ', p.Cves))}  signed by {Printable.Text(p.Signature)}");
                }
            });
            return 0;
        }));
        return command;
    }

    private static Command Deploy(IConsole console, string name, string operation, string description)
    {
        var feed = new Argument<string>("feed") { Description = "The feed" };
        var sha = new Argument<string>("sha256") { Description = "The patch (the SHA-256 of its file, as 'fleet patches' lists)" };
        var upTo = new Option<bool>("--up-to") { Description = "Also every lower level of the object" };
        var command = new Command(name, description) { feed, sha };
        if (operation == "enable")
        {
            command.Options.Add(upTo);
        }

        command.SetAction(r => Run(console, r, (client, ct) =>
        {
            string op = operation == "enable" && r.GetValue(upTo) ? "enable-up-to" : operation;
            var states = client.Post<IReadOnlyList<FeedPatchInfo>>($"api/v1/feeds/{Segment(r.GetValue(feed)!)}/patches/{Segment(r.GetValue(sha)!)}/{op}", ct);
            WriteStates(console, r, states);
            return 0;
        }));
        return command;
    }

    private static Command Undeploy(IConsole console)
    {
        var feed = new Argument<string>("feed") { Description = "The feed" };
        var sha = new Argument<string?>("sha256") { Description = "Undeploy every level above this patch's (hosts revert down to it)", Arity = ArgumentArity.ZeroOrOne };
        var buildId = new Option<string?>("--object") { Description = "Instead: undeploy every level of the object with this Build ID (hosts revert to the original code)" };
        var command = new Command("undeploy", "Undeploy down to a patch's level, or an object entirely: hosts revert at their next check-in") { feed, sha, buildId };
        command.SetAction(r => Run(console, r, (client, ct) =>
        {
            string? s = r.GetValue(sha);
            string? o = r.GetValue(buildId);
            if ((s is null) == (o is null))
            {
                throw new SutureException("fleet undeploy: give either a patch sha256 (undeploy down to it) or --object BUILDID (undeploy all levels)", ExitCode.Usage);
            }

            string path = s is not null
                ? $"api/v1/feeds/{Segment(r.GetValue(feed)!)}/patches/{Segment(s)}/undeploy-down-to"
                : $"api/v1/feeds/{Segment(r.GetValue(feed)!)}/objects/{Segment(o!)}/undeploy";
            WriteStates(console, r, client.Post<IReadOnlyList<FeedPatchInfo>>(path, ct));
            return 0;
        }));
        return command;
    }

    private static Command Feeds(IConsole console)
    {
        var command = new Command("feeds", "List feeds in tier order (first tiers first), with what each is promoted from");
        command.SetAction(r => Run(console, r, (client, ct) =>
        {
            var feeds = client.Get<IReadOnlyList<FeedInfo>>("api/v1/feeds", ct);
            Write(console, r, feeds, () =>
            {
                foreach (FeedInfo f in feeds)
                {
                    string delay = f.DelayHours.ToString("0.##", CultureInfo.InvariantCulture);
                    console.Out.WriteLine($"tier {f.Tier}  {Printable.Text(f.Name)}  approval {Name(f.ApprovalMode)}  delay {delay} h  {(f.PromotesFrom is null ? "first tier" : "promoted from " + Printable.Text(f.PromotesFrom))}  hosts {f.Hosts}");
                }
            });
            return 0;
        }));
        return command;
    }

    private static Command Promote(IConsole console)
    {
        var feed = new Argument<string>("feed") { Description = "The later tier, e.g. production (it must name its earlier tier: promotesFrom)" };
        var buildId = new Option<string?>("--object") { Description = "Only the levels of the object with this Build ID" };
        var command = new Command("promote", "Promote into a feed every level deployed in its earlier tier (then deployed after the feed's own delay)") { feed, buildId };
        command.SetAction(r => Run(console, r, (client, ct) =>
        {
            string? o = r.GetValue(buildId);
            WriteStates(console, r, client.Post<IReadOnlyList<FeedPatchInfo>>($"api/v1/feeds/{Segment(r.GetValue(feed)!)}/promote" + (o is null ? "" : "?buildId=" + Segment(o)), ct));
            return 0;
        }));
        return command;
    }

    private static Command Report(IConsole console)
    {
        var csv = new Option<bool>("--csv") { Description = "Write the server's CSV instead of text", Recursive = true };
        var report = new Command("report", "Reports: per CVE, host or patch, and silent hosts") { csv };

        var cveId = new Argument<string?>("cve") { Description = "The CVE (without: every CVE's summary)", Arity = ArgumentArity.ZeroOrOne };
        var cve = new Command("cve", "Hosts fully fixed, partially fixed, vulnerable and not affected; exit 15 when some host is not fully fixed") { cveId };
        cve.SetAction(r => Run(console, r, (client, ct) =>
        {
            string? id = r.GetValue(cveId);
            if (id is null)
            {
                return Report<IReadOnlyList<CveSummary>>(console, r, client, csv, "api/v1/reports/cves", rows =>
                {
                    foreach (CveSummary s in rows)
                    {
                        console.Out.WriteLine(Summary(s));
                    }
                }, rows => rows.Any(s => s.PartiallyFixed + s.Vulnerable > 0));
            }

            return Report<CveReport>(console, r, client, csv, $"api/v1/reports/cves/{Segment(id)}", c =>
            {
                console.Out.WriteLine(Summary(c.Summary));
                foreach (CveHostRow h in c.Hosts)
                {
                    console.Out.WriteLine($"  {h.HostId}  {Printable.Text(h.Hostname)}  {Name(h.State)}{(h.VulnerablePids.Count > 0 ? "  vulnerable pids " + string.Join(' ', h.VulnerablePids) : "")}");
                }
            }, c => c.Summary.PartiallyFixed + c.Summary.Vulnerable > 0);
        }));

        var hostId = new Argument<string?>("id") { Description = "The host id (without: every host)", Arity = ArgumentArity.ZeroOrOne };
        var host = new Command("host", "A host's objects, processes and levels, failures and crash reports") { hostId };
        host.SetAction(r => Run(console, r, (client, ct) =>
        {
            string? id = r.GetValue(hostId);
            return id is null
                ? Report<IReadOnlyList<HostReportRow>>(console, r, client, csv, "api/v1/reports/hosts", rows => HostRows(console, rows), _ => false)
                : Report<HostReport>(console, r, client, csv, $"api/v1/reports/hosts/{Segment(id)}", h =>
                {
                    HostRows(console, [h.Host]);
                    foreach (InventoryObject o in h.Objects)
                    {
                        console.Out.WriteLine($"  {o.BuildId}  {Printable.Text(o.Path)}  {Printable.Text(o.Package ?? "-")} {Printable.Text(o.Version ?? "")}");
                        foreach (InventoryProcess p in o.Processes)
                        {
                            console.Out.WriteLine($"    pid {p.Pid} {Printable.Text(p.Command)} level {p.Level}");
                        }
                    }

                    foreach (ResultReport f in h.Failures.Concat(h.Crashes))
                    {
                        console.Out.WriteLine($"  {f.Outcome}: pid {f.Pid} {f.Action} {f.PatchSha256[..12]} at {When(f.At)}: {Printable.Text(f.Message ?? "")}");
                    }
                }, _ => false);
        }));

        var sha = new Argument<string?>("sha256") { Description = "The patch (without: every patch)", Arity = ArgumentArity.ZeroOrOne };
        var patch = new Command("patch", "Processes that applied a patch, failed (with the reason) or wait for it") { sha };
        patch.SetAction(r => Run(console, r, (client, ct) =>
        {
            string? id = r.GetValue(sha);
            return id is null
                ? Report<IReadOnlyList<PatchReportRow>>(console, r, client, csv, "api/v1/reports/patches", rows =>
                {
                    foreach (PatchReportRow p in rows)
                    {
                        console.Out.WriteLine(PatchLine(p));
                    }
                }, _ => false)
                : Report<PatchReport>(console, r, client, csv, $"api/v1/reports/patches/{Segment(id)}", p =>
                {
                    console.Out.WriteLine(PatchLine(p.Summary));
                    foreach (PatchProcessRow row in p.Processes)
                    {
                        console.Out.WriteLine($"  {row.HostId}  {Printable.Text(row.Hostname)}  pid {row.Pid} {Printable.Text(row.Command)} level {row.Level}  {Name(row.State)}{(row.Reason is null ? "" : ": " + Printable.Text(row.Reason))}");
                    }
                }, _ => false);
        }));

        var intervals = new Option<int?>("--intervals") { Description = "Silent after this many check-in intervals without a check-in (default 3)" };
        var silent = new Command("silent", "Hosts that have not checked in for more than N check-in intervals") { intervals };
        silent.SetAction(r => Run(console, r, (client, ct) =>
        {
            int? n = r.GetValue(intervals);
            return Report<IReadOnlyList<HostReportRow>>(console, r, client, csv, "api/v1/reports/silent" + (n is null ? "" : "?intervals=" + n.Value.ToString(CultureInfo.InvariantCulture)),
                rows => HostRows(console, rows), _ => false);
        }));

        report.Subcommands.Add(cve);
        report.Subcommands.Add(host);
        report.Subcommands.Add(patch);
        report.Subcommands.Add(silent);
        return report;
    }

    private static Command Audit(IConsole console)
    {
        var verify = new Command("verify", "Walk the server's audit hash chain; exit 0 intact, 1 broken (naming the first bad entry)");
        verify.SetAction(r => Run(console, r, (client, ct) =>
        {
            AuditVerification v = client.Get<AuditVerification>("api/v1/audit/verify", ct);
            Write(console, r, v, () => console.Out.WriteLine(v.Valid
                ? $"audit log intact: {v.Entries} entries"
                : $"audit log broken at entry {v.FirstBadEntry}: {Printable.Text(v.Problem ?? "")}"));
            return v.Valid ? 0 : 1;
        }));
        return new Command("audit", "The server's audit log") { verify };
    }

    private static int Run(IConsole console, ParseResult r, Func<FleetClient, CancellationToken, int> body) => CommandRunner.Run(console, r, ct =>
    {
        string server = r.GetValue(Server) ?? Environment.GetEnvironmentVariable("SUTURE_SERVER")
            ?? throw new SutureException("fleet: give the server's address with --server https://HOST:8443 or SUTURE_SERVER", ExitCode.Usage);
        string token = r.GetValue(Token) ?? Environment.GetEnvironmentVariable("SUTURE_TOKEN")
            ?? throw new SutureException("fleet: give a personal API token with --token or SUTURE_TOKEN (make one: POST /api/v1/tokens)", ExitCode.Usage);
        using var client = new FleetClient(server, token, r.GetValue(Pin) ?? Environment.GetEnvironmentVariable("SUTURE_PIN")) { Cancellation = ct };
        return body(client, ct);
    });

    private static int Report<T>(IConsole console, ParseResult r, FleetClient client, Option<bool> csv, string path, Action<T> text, Func<T, bool> notAllFixed)
    {
        if (r.GetValue(csv))
        {
            console.Out.Write(client.GetText(path, "text/csv", client.Cancellation).Replace("\r\n", "\n", StringComparison.Ordinal));
            return 0;
        }

        T value = client.GetPaged<T>(path, Merge, client.Cancellation);
        Write(console, r, value, () => text(value));
        return notAllFixed(value) ? (int)ExitCode.CvesNotAllFixed : 0;
    }

    /// <summary>Joins a report's pages (docs/server.md#paging): the long list grows, the rest is the first page's.</summary>
    private static T Merge<T>(T first, T next) => (first, next) switch
    {
        (IReadOnlyList<HostReportRow> a, IReadOnlyList<HostReportRow> b) => (T)(object)(IReadOnlyList<HostReportRow>)[.. a, .. b],
        (CveReport a, CveReport b) => (T)(object)(a with { Hosts = [.. a.Hosts, .. b.Hosts] }),
        (PatchReport a, PatchReport b) => (T)(object)(a with { Processes = [.. a.Processes, .. b.Processes] }),
        _ => throw new SutureException($"the server paged a report this suture does not know to join ({typeof(T).Name}); is it a suture-server of protocol version {ProtocolVersion.Current}?", ExitCode.Failure),
    };

    private static void Write<T>(IConsole console, ParseResult r, T value, Action text)
    {
        if (r.GetValue(Json))
        {
            console.Out.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!));
        }
        else
        {
            text();
        }
    }

    private static void WriteStates(IConsole console, ParseResult r, IReadOnlyList<FeedPatchInfo> states) => Write(console, r, states, () =>
    {
        foreach (FeedPatchInfo s in states)
        {
            console.Out.WriteLine($"{Printable.Text(s.Feed)}  {Printable.Text(s.PatchId)} level {s.Level}  {Name(s.State)}{(s.Deploys is { } d ? "  deploys " + When(d) : "")}");
        }
    });

    private static void HostRows(IConsole console, IReadOnlyList<HostReportRow> rows)
    {
        foreach (HostReportRow h in rows)
        {
            console.Out.WriteLine($"{h.Id}  {Printable.Text(h.Hostname)}  feed {Printable.Text(h.Feed)}  last check-in {When(h.LastCheckIn)}{(h.Silent ? " (silent)" : "")}  objects {h.Objects}  processes {h.Processes} ({h.PatchedProcesses} patched)  failures {h.Failures}  crashes {h.Crashes}");
        }
    }

    private static string Summary(CveSummary s) =>
        $"{Printable.Text(s.Cve)}: {s.Fixed} fixed, {s.PartiallyFixed} partially fixed, {s.Vulnerable} vulnerable, {s.NotAffected} not affected{(s.NotReported > 0 ? $", {s.NotReported} not reported yet" : "")}";

    private static string PatchLine(PatchReportRow p) =>
        $"{p.Sha256}  {Printable.Text(p.Id)} level {p.Level}  hosts {p.Hosts}  applied {p.Applied}  failed {p.Failed}  pending {p.Pending}  not offered {p.NotOffered}";

    private static string When(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    private static string Segment(string s) => Uri.EscapeDataString(s);

    private static string Name<T>(T value)
        where T : struct, Enum =>
        JsonSerializer.Serialize(value, (JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!).Trim('"');
}
