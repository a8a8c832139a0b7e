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
        using var project = new SeedProject(TestTargets.Looper, "gcc -DINTERVAL_US=47110 -o foo foo.c");
        project.SucceedBuildPatch("--id", "state-fix", "--cve", Cve);
        using var state = new TempDirectory();
        var environment = new Dictionary<string, string> { [HostStateWriter.EnvironmentVariable] = state.Path };
        using RunningProgram first = project.Start();
        using RunningProgram second = project.Start();
        first.WaitForLine(l => l == SeedProject.OldLine);
        second.WaitForLine(l => l == SeedProject.OldLine);

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
        using var project = new SeedProject(TestTargets.Looper, "gcc -DINTERVAL_US=47120 -o foo foo.c");
        project.SucceedBuildPatch("--id", "oval-fix", "--cve", cve);
        using var state = new TempDirectory();
        var environment = new Dictionary<string, string> { [HostStateWriter.EnvironmentVariable] = state.Path };
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
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

    private static ToolResult Run(Dictionary<string, string> environment, params string[] arguments) => SutureCli.RunWith(environment, arguments);

    private static void Succeed(Dictionary<string, string> environment, params string[] arguments)
    {
        ToolResult result = Run(environment, arguments);
        Assert.True(result.ExitCode == 0, $"suture {string.Join(' ', arguments)} failed: {result}");
    }
}
