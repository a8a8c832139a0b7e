using System.Text;
using System.Text.Json;

namespace Suture.Patching.Host;

/// <summary>
/// Keeps the host state directory (default <c>/run/suture</c>, <c>SUTURE_STATE_DIR</c> overrides
/// it) current for scanners: <c>state.json</c>, <c>cves</c> (the CVEs fixed on the host, one a
/// line), <c>cves.json</c> and <c>versions</c> (effective package versions). Each file is
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
            Replace(directory, "cves", Encoding.UTF8.GetBytes(string.Concat(state.Cves.Where(c => c.State == CveState.Fixed).Select(c => c.Id + "\n"))));
            Replace(directory, "versions", Encoding.UTF8.GetBytes(string.Concat(state.Objects.Select(o => o.EffectiveVersion).OfType<string>().Distinct().Select(v => v + "\n"))));
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

    public static byte[] StateJson(HostState state) => Json(w =>
    {
        w.WriteString("taken", state.TakenUtc.UtcDateTime);
        w.WriteString("note", RestartNote);
        w.WriteStartArray("objects");
        foreach (HostObject o in state.Objects)
        {
            w.WriteStartObject();
            w.WriteString("path", o.Path);
            w.WriteString("buildId", o.BuildId);
            WriteNullable(w, "package", o.Package);
            WriteNullable(w, "packageVersion", o.PackageVersion);
            WriteNullable(w, "effectiveVersion", o.EffectiveVersion);
            w.WriteStartArray("patches");
            foreach (HostPatch p in o.Patches)
            {
                w.WriteStartObject();
                w.WriteString("id", p.Id);
                w.WriteNumber("level", p.Level);
                WriteStrings(w, "cves", p.Cves);
                WriteNullable(w, "signerKeyId", p.SignerKeyId);
                WriteNullable(w, "signerName", p.SignerName);
                WriteNumbers(w, "pids", p.Pids);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteNumbers(w, "patchedPids", o.PatchedPids);
            w.WriteStartArray("unpatchedPids");
            foreach ((int pid, string why) in o.UnpatchedPids)
            {
                w.WriteStartObject();
                w.WriteNumber("pid", pid);
                w.WriteString("why", why);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteCves(w, state);
    });

    public static byte[] CvesJson(HostState state) => Json(w =>
    {
        w.WriteString("taken", state.TakenUtc.UtcDateTime);
        w.WriteString("note", RestartNote);
        WriteCves(w, state);
    });

    private static void WriteCves(Utf8JsonWriter w, HostState state)
    {
        w.WriteStartArray("cves");
        foreach (HostCve c in state.Cves)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("state", StateName(c.State));
            WriteStrings(w, "patches", c.Patches);
            WriteStrings(w, "objects", c.Objects);
            WriteNumbers(w, "patchedPids", c.PatchedPids);
            WriteNumbers(w, "unpatchedPids", c.UnpatchedPids);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static string StateName(CveState state) => state switch
    {
        CveState.Fixed => "fixed",
        CveState.Partial => "partially fixed",
        _ => "not fixed",
    };

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (int value in values)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }
}
