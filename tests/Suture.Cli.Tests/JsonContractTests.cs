using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suture.Contracts;

namespace Suture.Cli.Tests;

/// <summary>The JSON contracts read back what they write; absent and null fields stay as the CLI has always written them.</summary>
public sealed class JsonContractTests
{
    private static readonly DateTime Applied = new(2026, 12, 1, 19, 55, 37, 971, DateTimeKind.Utc);

    [Fact]
    public void Status_with_and_without_the_thread_check_round_trips()
    {
        var patch = new AppliedPatchStatus("seed-fix", 2, true, "active", true, "applied", false, null, "foo", "ea06f3", "x<&>\u001b\n", ["CVE-2026-1"], Applied,
            "4ea8", true, new Signer("0123456789abcdef", "release team"), "0x5572b3f15000", [new AppliedFunctionStatus("i_m_being_patched", "0x5572b3f1a159", "0x5572b3f15000")]);
        var plain = new StatusResult(3053, "foo", true, [patch], [new UnreadableMemory("suture:x", "0x1000", "0x2000", "bad magic", true)], ["memcpy"], null);
        var unsigned = plain with { Patches = [patch with { Signed = false, Signer = null }] };
        var check = plain with { Threads = [new ThreadCheck(3053, "foo", false, 7, [], null), new ThreadCheck(3054, "worker", true, 3, ["tick"], "no CFI for 0x1234")] };

        string json = AssertRoundTrips(plain, SutureJsonContext.Default.StatusResult);
        string checkedJson = AssertRoundTrips(check, SutureJsonContext.Default.StatusResult);
        string unsignedJson = AssertRoundTrips(unsigned, SutureJsonContext.Default.StatusResult);

        Assert.DoesNotContain("\"threads\"", json, StringComparison.Ordinal);
        Assert.Contains("\"problem\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"signed\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"keyId\": \"0123456789abcdef\"", json, StringComparison.Ordinal);
        Assert.Contains("\"signed\": false", unsignedJson, StringComparison.Ordinal);
        Assert.Contains("\"signer\": null", unsignedJson, StringComparison.Ordinal);
        Assert.Contains("\"object\": \"foo\"", json, StringComparison.Ordinal);
        Assert.Contains("\"applied\": \"2026-12-01T19:55:37.971Z\"", json, StringComparison.Ordinal);
        Assert.Equal(1, Count(checkedJson, "\"unwindFailure\""));
        Assert.Equal(3053, JsonSerializer.Deserialize(checkedJson, SutureJsonContext.Default.StatusResult)!.Threads![0].Tid);
    }

    [Fact]
    public void Inspect_round_trips_with_an_unversioned_need()
    {
        var inspect = new InspectResult("seed-fix", 1, "foo", "ea06f3", "", [], Applied, "gcc 12", "gcc -o foo foo.c", ["ignore-build-mismatch: x"], "4ea8", null, 116, 48, 0, 6, 60,
            [new NeededSymbol("puts", "GLIBC_2.2.5", false), new NeededSymbol("lib_tls", null, true)],
            [new RedirectedFunction("i_m_being_patched", "0x1159", 26, 4, "4883ec0848", "0x0", 26)]);

        string json = AssertRoundTrips(inspect, SutureJsonContext.Default.InspectResult);

        Assert.Contains("\"version\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"unwindTableSize\": 60", json, StringComparison.Ordinal);
        Assert.Contains("\"signature\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"release team\"", AssertRoundTrips(inspect with { Signature = new Signer("0123456789abcdef", "release team") }, SutureJsonContext.Default.InspectResult), StringComparison.Ordinal);
    }

    [Fact]
    public void Fleet_status_leaves_out_what_an_unpatched_process_lacks()
    {
        var fleet = new FleetStatusResult([
            new ProcessObjectState(1, "foo", "/usr/bin/foo", "ea06f3", "patched", 2, "seed-fix", null),
            new ProcessObjectState(2, "foo", "/usr/bin/foo", "ea06f3", "unpatched", null, null, null),
            new ProcessObjectState(3, "foo", "/usr/bin/foo", "ea06f3", "not patchable", null, null, "EPERM"),
        ]);

        string json = AssertRoundTrips(fleet, SutureJsonContext.Default.FleetStatusResult);

        Assert.Equal(1, Count(json, "\"level\""));
        Assert.Equal(1, Count(json, "\"patchId\""));
        Assert.Equal(1, Count(json, "\"reason\""));
    }

    [Fact]
    public void The_host_state_keeps_its_names_and_nulls_and_OSV_leaves_absent_fields_out()
    {
        var cve = new HostCveEntry("CVE-2026-1", "partially fixed", ["fix.1"], ["/usr/bin/foo"], [10], [11]);
        var state = new HostStateResult(Applied, "note", [new HostObjectEntry("/usr/bin/foo", "ea06", null, null, null,
            [new HostPatchEntry("fix", 1, ["CVE-2026-1"], null, null, [10])], [10], [new UnpatchedProcess(11, "unpatched")])], [cve]);
        var osv = new OsvExport([new OsvRecord("1.6.0", "SUTURE-CVE-2026-1", Applied, ["CVE-2026-1"], "s", "d",
            [new OsvAffected(null, [], new OsvObjectSpecific("partially fixed", "/usr/bin/foo", "ea06", null, null, null, [10], [11]))],
            new OsvHostSpecific("suture", "partially fixed", ["fix.1"], "note"))]);

        string json = AssertRoundTrips(state, SutureJsonContext.Default.HostStateResult);
        string osvJson = AssertRoundTrips(osv, OsvJsonContext.Default.OsvExport);

        Assert.Contains("\"taken\": \"2026-12-01T19:55:37.971Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"package\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"signerKeyId\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"unpatchedPids\": [\n        {\n          \"pid\": 11,\n          \"why\": \"unpatched\"", json, StringComparison.Ordinal);
        Assert.Contains("\"schema_version\": \"1.6.0\"", osvJson, StringComparison.Ordinal);
        Assert.Contains("\"unpatched_pids\"", osvJson, StringComparison.Ordinal);
        Assert.DoesNotContain("\"package\"", osvJson, StringComparison.Ordinal);
        Assert.DoesNotContain("null", osvJson, StringComparison.Ordinal);
    }

    /// <summary>Serializes <paramref name="value"/>, reads it back and writes it again: the same text both times.</summary>
    internal static string AssertRoundTrips<T>(T value, JsonTypeInfo<T> type)
    {
        string json = JsonSerializer.Serialize(value, type);
        T? read = JsonSerializer.Deserialize(json, type);
        Assert.NotNull(read);
        Assert.Equal(json, JsonSerializer.Serialize(read, type));
        return json;
    }

    /// <summary>Reads what the CLI wrote with the contract and writes it again: exactly what the CLI wrote.</summary>
    internal static T AssertReadsBack<T>(string stdout, JsonTypeInfo<T> type)
    {
        T? read = JsonSerializer.Deserialize(stdout, type);
        Assert.NotNull(read);
        Assert.Equal(stdout, JsonSerializer.Serialize(read, type) + "\n");
        return read;
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
