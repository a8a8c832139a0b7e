using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suture.Contracts;

namespace Suture.Patching.Host;

/// <summary>
/// Keeps the host state directory (default <c>/run/suture</c>, <c>SUTURE_STATE_DIR</c> overrides
/// it) current for scanners: <c>state.json</c>, <c>cves</c> (the CVEs fixed on the host, one a
/// line), <c>cves.json</c>, <c>osv.json</c> (the same as OSV records) and <c>versions</c> (effective package versions). Each file is
/// replaced atomically (written beside, then renamed), so a reader never sees half a file.
/// Format: docs/scanners.md.
/// </summary>
public static class HostStateWriter
{
    public const string DefaultDirectory = "/run/suture";
    public const string EnvironmentVariable = "SUTURE_STATE_DIR";

    /// <summary>The note every state carries: the files on disk were not changed.</summary>
    public const string RestartNote = "live patches change running processes only: the files on disk are unchanged, so a process started or restarted from them runs the vulnerable code again until the package is updated";

    public static string Directory =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } chosen ? chosen : DefaultDirectory;

    public static void Write(HostState state, string? directory = null)
    {
        directory ??= Directory;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            Replace(directory, "state.json", StateJson(state));
            Replace(directory, "cves.json", CvesJson(state));
            Replace(directory, "osv.json", OsvRecords.Json(state, OsRelease.Load()));
            Replace(directory, "cves", Encoding.UTF8.GetBytes(string.Concat(state.Cves.Where(c => c.State == CveState.Fixed).Select(c => c.Id + "\n"))));
            Replace(directory, "versions", Encoding.UTF8.GetBytes(string.Concat(state.Objects.Select(o => o.EffectiveVersion).OfType<string>().Distinct().Select(v => v + "\n"))));
            if (ScanCache.Json(state) is byte[] cache)
            {
                Replace(directory, ScanCache.FileName, cache); // what the next refresh starts from
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"cannot write the host state in {directory}: {e.Message.TrimEnd('.')}; set {EnvironmentVariable} to a writable directory", ExitCode.Failure, e);
        }
    }

    private static void Replace(string directory, string name, byte[] content)
    {
        string path = Path.Combine(directory, name);
        string temporary = Path.Combine(directory, $".{name}.{Environment.ProcessId}");
        Suture.IO.RegularFile.WriteAll(temporary, content); // write(2), not pwrite64: see RegularFile.WriteAll
        File.Move(temporary, path, overwrite: true);
    }

    public static byte[] StateJson(HostState state) => Json(
        new HostStateResult(
            state.TakenUtc.UtcDateTime,
            RestartNote,
            state.Objects.Select(o => new HostObjectEntry(
                o.Path,
                o.BuildId,
                o.Package,
                o.PackageVersion,
                o.EffectiveVersion,
                o.Patches.Select(p => new HostPatchEntry(p.Id, p.Level, p.Cves, p.SignerKeyId, p.SignerName, p.Pids)).ToList(),
                o.PatchedPids,
                o.UnpatchedPids.Select(u => new UnpatchedProcess(u.Pid, u.Why)).ToList())).ToList(),
            Cves(state)),
        SutureJsonContext.Default.HostStateResult);

    public static byte[] CvesJson(HostState state) =>
        Json(new HostCvesResult(state.TakenUtc.UtcDateTime, RestartNote, Cves(state)), SutureJsonContext.Default.HostCvesResult);

    private static List<HostCveEntry> Cves(HostState state) => state.Cves.Select(c =>
        new HostCveEntry(c.Id, StateName(c.State), c.Patches, c.Objects, c.PatchedPids, c.UnpatchedPids)).ToList();

    public static string StateName(CveState state) => state switch
    {
        CveState.Fixed => "fixed",
        CveState.Partial => "partially fixed",
        _ => "not fixed",
    };

    private static byte[] Json<T>(T value, JsonTypeInfo<T> type) => [.. JsonSerializer.SerializeToUtf8Bytes(value, type), (byte)'\n'];
}
