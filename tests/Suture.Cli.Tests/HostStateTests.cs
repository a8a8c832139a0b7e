using System.Text.Json;
using Suture.Patching.Host;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The host state scanners read (docs/scanners.md): written by apply and revert, refreshed by
/// status --all, a CVE fixed only when every process mapping the object runs the patch, and
/// status --cves exit codes. The target has a Build ID of its own, so other tests' patched
/// processes (the state is host-wide) never change what these assert; the CVE checks are
/// scoped to the test's patch (status --cves PATCH).
/// </summary>
public sealed class HostStateTests
{
    private const string Cve = "CVE-2026-4711";

    [Fact]
    public void The_state_follows_apply_revert_and_processes_that_exit_and_start()
    {
        using var host = new TestHost(47110, "state-fix", Cve);
        (SeedProject project, TempDirectory state, Dictionary<string, string> environment) = (host.Project, host.State, host.Environment);
        using RunningProgram first = host.Start();
        using RunningProgram second = host.Start();

        Assert.Equal(15, Cves(environment, project, out JsonElement notFixed));
        Assert.Equal("not fixed", CveState(notFixed));

        Succeed(environment, "apply", "-p", first.Pid.ToString(), project.PatchPath);
        Assert.DoesNotContain(Cve, File.ReadAllText(Path.Combine(state.Path, "cves")));
        JsonElement obj = Object(state, project);
        Assert.Equal([first.Pid], obj.GetProperty("patchedPids").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal([second.Pid], obj.GetProperty("unpatchedPids").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()));
        Assert.Equal(TestKeys.KeyId, obj.GetProperty("patches")[0].GetProperty("signerKeyId").GetString());
        Assert.Equal(15, Cves(environment, project, out JsonElement partial));
        Assert.Equal("partially fixed", CveState(partial));
        Assert.Equal([second.Pid], partial.GetProperty("unpatchedPids").EnumerateArray().Select(p => p.GetInt32()));
        string text = Run(environment, "status", "--cves", project.PatchPath).Stdout;
        Assert.Contains($"{Cve}    partially fixed by state-fix.1; still vulnerable: pid(s) {second.Pid}", text);
        Assert.Contains("restarted from them runs the vulnerable code again", text);

        Succeed(environment, "apply", "-p", second.Pid.ToString(), project.PatchPath);
        Assert.Contains(Cve + "\n", File.ReadAllText(Path.Combine(state.Path, "cves")));
        Assert.Equal(0, Cves(environment, project, out JsonElement fixedEverywhere));
        Assert.Equal("fixed", CveState(fixedEverywhere));

        // A patched process exits and an unpatched one starts: partial again, with the new pid.
        first.Dispose();
        using RunningProgram third = project.Start();
        third.WaitForLine(l => l == SeedProject.OldLine);
        Succeed(environment, "status", "--all"); // no apply or revert ran: a refresh on demand
        Assert.DoesNotContain(Cve, File.ReadAllText(Path.Combine(state.Path, "cves")));
        obj = Object(state, project);
        Assert.Equal([second.Pid], obj.GetProperty("patchedPids").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal([third.Pid], obj.GetProperty("unpatchedPids").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()));
        Assert.Contains("unchanged", JsonDocument.Parse(File.ReadAllText(Path.Combine(state.Path, "state.json"))).RootElement.GetProperty("note").GetString());

        Succeed(environment, "revert", "-p", second.Pid.ToString());
        Assert.DoesNotContain(Cve, File.ReadAllText(Path.Combine(state.Path, "cves")));
        Assert.DoesNotContain(project.Binary, File.ReadAllText(Path.Combine(state.Path, "state.json")));
        Assert.Equal(15, Cves(environment, project, out JsonElement reverted));
        Assert.Equal("not fixed", CveState(reverted));
    }

    [Fact]
    public void OpenSCAP_evaluates_the_oval_definitions_as_fixed_on_a_patched_host_and_vulnerable_after_revert()
    {
        const string cve = "CVE-2026-4712";
        using var host = new TestHost(47120, "oval-fix", cve);
        (SeedProject project, TempDirectory state, Dictionary<string, string> environment) = (host.Project, host.State, host.Environment);
        using RunningProgram program = host.Start();
        Succeed(environment, "apply", "-p", program.Pid.ToString(), project.PatchPath);
        Succeed(environment, "status", "--all");

        ToolResult oval = Run(environment, "status", "--cves", project.PatchPath, "--oval");
        Assert.True(oval.ExitCode == 0, oval.ToString());
        string definitions = state.Write("definitions.xml", oval.Stdout);
        Assert.Contains($"ref_id=\"{cve}\"", oval.Stdout);
        Assert.Equal("false", Evaluate(definitions)); // not vulnerable: every process runs the fix

        Succeed(environment, "revert", "-p", program.Pid.ToString());
        Succeed(environment, "status", "--all");
        Assert.Equal("true", Evaluate(definitions)); // vulnerable again
    }

    [Fact]
    public void The_OSV_records_follow_the_processes_and_match_the_state_directory()
    {
        const string cve = "CVE-2026-4713";
        using var host = new TestHost(47130, "osv-fix", cve);
        (SeedProject project, TempDirectory state, Dictionary<string, string> environment) = (host.Project, host.State, host.Environment);
        using RunningProgram first = host.Start();
        using RunningProgram second = host.Start();
        Succeed(environment, "apply", "-p", first.Pid.ToString(), project.PatchPath);

        ToolResult partial = Run(environment, "status", "--cves", project.PatchPath, "--osv");
        Assert.True(partial.ExitCode == 15, partial.ToString());
        JsonContractTests.AssertReadsBack(partial.Stdout, Suture.Contracts.OsvJsonContext.Default.OsvExport);
        JsonElement record = OsvRecord(partial.Stdout, cve);
        Assert.Equal(["schema_version", "id", "modified", "aliases", "summary", "details", "affected", "database_specific"], record.EnumerateObject().Select(p => p.Name));
        Assert.Equal(OsvRecords.SchemaVersion, record.GetProperty("schema_version").GetString());
        Assert.Equal("SUTURE-" + cve, record.GetProperty("id").GetString());
        Assert.Equal([cve], record.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.True(DateTimeOffset.TryParse(record.GetProperty("modified").GetString(), out _));
        Assert.Equal("partially fixed", record.GetProperty("database_specific").GetProperty("state").GetString());
        Assert.Contains($"pid(s) {second.Pid} still run the vulnerable code", record.GetProperty("summary").GetString());
        JsonElement affected = record.GetProperty("affected").EnumerateArray().Single();
        Assert.False(affected.TryGetProperty("package", out _)); // the test's binary belongs to no package
        Assert.Empty(affected.GetProperty("versions").EnumerateArray());
        JsonElement site = affected.GetProperty("database_specific");
        Assert.Equal(project.Binary, site.GetProperty("object").GetString());
        Assert.Equal([first.Pid], site.GetProperty("patched_pids").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal([second.Pid], site.GetProperty("unpatched_pids").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Contains(cve, File.ReadAllText(Path.Combine(state.Path, "osv.json")));

        Succeed(environment, "apply", "-p", second.Pid.ToString(), project.PatchPath);
        ToolResult fixedEverywhere = Run(environment, "status", "--cves", project.PatchPath, "--osv");
        Assert.True(fixedEverywhere.ExitCode == 0, fixedEverywhere.ToString());
        record = OsvRecord(fixedEverywhere.Stdout, cve);
        Assert.Equal("fixed", record.GetProperty("database_specific").GetProperty("state").GetString());
        Assert.Equal("fixed", record.GetProperty("affected")[0].GetProperty("database_specific").GetProperty("state").GetString());
        Assert.Empty(record.GetProperty("affected")[0].GetProperty("database_specific").GetProperty("unpatched_pids").EnumerateArray());
        Assert.Equal(fixedEverywhere.Stdout, File.ReadAllText(Path.Combine(state.Path, "osv.json")));

        Succeed(environment, "revert", "-p", first.Pid.ToString());
        Succeed(environment, "revert", "-p", second.Pid.ToString());
        ToolResult reverted = Run(environment, "status", "--cves", project.PatchPath, "--osv");
        Assert.Equal("not fixed", OsvRecord(reverted.Stdout, cve).GetProperty("database_specific").GetProperty("state").GetString());
    }

    [Fact]
    public void An_OSV_entry_names_the_source_package_as_Debian_does_and_the_installed_binary_package_in_its_purl()
    {
        string libc = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 6).Select(f => f[5]).First(p => p.Contains("/libc.so.6", StringComparison.Ordinal));
        ToolResult query = Tool.Run("dpkg-query", ["-W", "-f", "${source:Package} ${source:Version} ${Version} ${Architecture}", "libc6"]);
        Assert.True(query.ExitCode == 0, query.ToString());
        string[] expected = query.Stdout.Split(' ');
        DpkgDatabase dpkg = DpkgDatabase.Load();
        (string package, string version) = dpkg.Owner(libc)!.Value;
        var libcObject = new HostObject(libc, "00", package, version, [new HostPatch("libc-fix", 2, ["CVE-2026-1"], null, null, [100])], [100], [(101, "unpatched")])
        {
            Installed = dpkg.Package(package),
        };
        var host = new HostState(DateTimeOffset.UtcNow, [libcObject], [new HostCve("CVE-2026-1", Suture.Patching.Host.CveState.Partial, ["libc-fix.2"], [libc], [100], [101], [new HostCveSite(libcObject, Suture.Patching.Host.CveState.Partial, [100], [101])])]);
        OsRelease os = OsRelease.Load();

        JsonElement affected = OsvRecord(System.Text.Encoding.UTF8.GetString(OsvRecords.Json(host, os)), "CVE-2026-1").GetProperty("affected")[0];

        Assert.Equal(os.Ecosystem, affected.GetProperty("package").GetProperty("ecosystem").GetString());
        Assert.StartsWith("Debian:", os.Ecosystem, StringComparison.Ordinal); // the test machines run Debian
        Assert.Equal(expected[0], affected.GetProperty("package").GetProperty("name").GetString());
        Assert.Equal([expected[1]], affected.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal($"pkg:deb/debian/libc6@{Uri.EscapeDataString(expected[2])}?arch={expected[3]}&distro=debian-{os.VersionId}", affected.GetProperty("package").GetProperty("purl").GetString());
        Assert.Equal($"{package} {version} +suture:libc-fix.2", affected.GetProperty("database_specific").GetProperty("effective_version").GetString());
    }

    private static JsonElement OsvRecord(string json, string cve)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("vulns").EnumerateArray().Single(v => v.GetProperty("aliases")[0].GetString() == cve).Clone();
    }

    /// <summary>The verdict of <c>oscap oval eval</c> for the one definition.</summary>
    private static string Evaluate(string definitions)
    {
        ToolResult result = Tool.Run("oscap", ["oval", "eval", definitions]);
        Assert.True(result.ExitCode == 0, result.ToString());
        const string prefix = "Definition oval:dev.suture:def:1: ";
        string line = result.Stdout.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line[prefix.Length..].Trim();
    }

    [Fact]
    public void The_refresh_after_apply_and_revert_reads_only_what_changed_and_writes_what_a_full_scan_writes()
    {
        const string cve = "CVE-2026-4714";
        using var host = new TestHost(47140, "incremental-fix", cve);
        (SeedProject project, TempDirectory state, Dictionary<string, string> environment) = (host.Project, host.State, host.Environment);
        using RunningProgram first = host.Start();
        using RunningProgram second = host.Start();
        Succeed(environment, "status", "--all"); // a full scan: the cache the refreshes start from
        Assert.True(File.Exists(Path.Combine(state.Path, ScanCache.FileName)));

        Succeed(environment, "apply", "-p", first.Pid.ToString(), project.PatchPath);
        AssertAsFullScanWrites(state, project, cve);

        // Since that refresh, one process exited and one started: the update must see both.
        second.Dispose();
        using RunningProgram third = host.Start();
        Succeed(environment, "apply", "-p", third.Pid.ToString(), project.PatchPath);
        JsonElement obj = Object(state, project);
        Assert.Equal([first.Pid, third.Pid], obj.GetProperty("patchedPids").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Empty(obj.GetProperty("unpatchedPids").EnumerateArray());
        AssertAsFullScanWrites(state, project, cve);
        Assert.Contains(cve + "\n", File.ReadAllText(Path.Combine(state.Path, "cves")));

        Succeed(environment, "revert", "-p", first.Pid.ToString());
        AssertAsFullScanWrites(state, project, cve);
        Assert.DoesNotContain(cve, File.ReadAllText(Path.Combine(state.Path, "cves")));
        Assert.Equal([first.Pid], Object(state, project).GetProperty("unpatchedPids").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()));

        // In the process: an update keeps the snapshot of an unchanged process, reads the changed one again, drops the exited one.
        using RunningProgram fourth = host.Start();
        IReadOnlyList<ProcessSnapshot> all = HostScan.All();
        int exited = first.Pid;
        first.Dispose();
        IReadOnlyList<ProcessSnapshot> updated = HostScan.Update(all, new HashSet<int> { third.Pid });
        Assert.DoesNotContain(updated, p => p.Pid == exited);
        Assert.NotSame(all.Single(p => p.Pid == third.Pid), updated.Single(p => p.Pid == third.Pid));
        Assert.Equal(all.Single(p => p.Pid == third.Pid).Objects, updated.Single(p => p.Pid == third.Pid).Objects);
        Assert.Same(all.Single(p => p.Pid == fourth.Pid), updated.Single(p => p.Pid == fourth.Pid)); // unchanged meanwhile: not read again
    }

    /// <summary>
    /// What the last refresh wrote for the test's object and CVE is what a full scan of the host
    /// finds now (the rest of the state is other tests' processes, which may change meanwhile).
    /// </summary>
    private static void AssertAsFullScanWrites(TempDirectory state, SeedProject project, string cve)
    {
        HostState full = HostState.Collect();
        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(Path.Combine(state.Path, "state.json")));
        using JsonDocument scanned = JsonDocument.Parse(HostStateWriter.StateJson(full));
        Assert.Equal(Ours(scanned.RootElement, "objects", "path", project.Binary), Ours(written.RootElement, "objects", "path", project.Binary));
        Assert.Equal(Ours(scanned.RootElement, "cves", "id", cve), Ours(written.RootElement, "cves", "id", cve));
        using JsonDocument writtenCves = JsonDocument.Parse(File.ReadAllText(Path.Combine(state.Path, "cves.json")));
        using JsonDocument scannedCves = JsonDocument.Parse(HostStateWriter.CvesJson(full));
        Assert.Equal(Ours(scannedCves.RootElement, "cves", "id", cve), Ours(writtenCves.RootElement, "cves", "id", cve));
        Assert.Equal(full.Cves.Any(c => c.Id == cve && c.State == Suture.Patching.Host.CveState.Fixed), File.ReadAllLines(Path.Combine(state.Path, "cves")).Contains(cve));
    }

    private static string Ours(JsonElement root, string list, string key, string value) =>
        string.Join("\n", root.GetProperty(list).EnumerateArray().Where(e => e.GetProperty(key).GetString() == value).Select(e => e.GetRawText()));

    [Fact]
    public void The_owning_package_and_version_come_from_dpkgs_database()
    {
        string libc = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 6).Select(f => f[5]).First(p => p.Contains("/libc.so.6", StringComparison.Ordinal));
        ToolResult version = Tool.Run("dpkg-query", ["-W", "-f", "${Version}", "libc6"]);
        Assert.True(version.ExitCode == 0, version.ToString());

        (string Package, string Version)? found = DpkgDatabase.Load().Owner(libc);

        Assert.NotNull(found);
        Assert.Equal("libc6", found.Value.Package.Split(':')[0]);
        Assert.Equal(version.Stdout, found.Value.Version);
        Assert.Null(DpkgDatabase.Load().Owner("/tmp/not-owned-by-any-package"));
    }

    private static int Cves(Dictionary<string, string> environment, SeedProject project, out JsonElement cve)
    {
        ToolResult result = Run(environment, "status", "--cves", project.PatchPath, "--json");
        JsonContractTests.AssertReadsBack(result.Stdout, Suture.Contracts.SutureJsonContext.Default.HostCvesResult);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        cve = document.RootElement.GetProperty("cves").EnumerateArray().Single(c => c.GetProperty("id").GetString() == Cve).Clone();
        return result.ExitCode;
    }

    private static string CveState(JsonElement cve) => cve.GetProperty("state").GetString()!;

    private static JsonElement Object(TempDirectory state, SeedProject project)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(state.Path, "state.json")));
        return document.RootElement.GetProperty("objects").EnumerateArray().Single(o => o.GetProperty("path").GetString() == project.Binary).Clone();
    }

    /// <summary>A looper target with a Build ID of its own, its patch fixing one CVE, and a private state directory.</summary>
    private sealed class TestHost : IDisposable
    {
        public TestHost(int interval, string patchId, string cve)
        {
            Project = new SeedProject(TestTargets.Looper, $"gcc -DINTERVAL_US={interval} -o foo foo.c");
            try
            {
                Project.SucceedBuildPatch("--id", patchId, "--cve", cve);
            }
            catch
            {
                Dispose();
                throw;
            }

            Environment = new Dictionary<string, string> { [HostStateWriter.EnvironmentVariable] = State.Path };
        }

        public SeedProject Project { get; }

        public TempDirectory State { get; } = new();

        public Dictionary<string, string> Environment { get; }

        /// <summary>A started process of the target, once it runs the old code.</summary>
        public RunningProgram Start()
        {
            RunningProgram program = Project.Start();
            program.WaitForLine(l => l == SeedProject.OldLine);
            return program;
        }

        public void Dispose()
        {
            State.Dispose();
            Project.Dispose();
        }
    }

    private static ToolResult Run(Dictionary<string, string> environment, params string[] arguments) => SutureCli.RunWith(environment, arguments);

    private static void Succeed(Dictionary<string, string> environment, params string[] arguments)
    {
        ToolResult result = Run(environment, arguments);
        Assert.True(result.ExitCode == 0, $"suture {string.Join(' ', arguments)} failed: {result}");
    }
}
