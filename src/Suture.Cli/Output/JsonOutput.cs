using System.Text.Json;
using Suture.Patching.Engine;
using Suture.Format;
using Suture.Patching.State;

namespace Suture.Cli.Output;

/// <summary>JSON output of inspect and status (written directly, so it stays trimming/AOT clean).</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true };

    public static void WritePatch(Stream stream, PatchDocument document)
    {
        PatchFile patch = document.Patch;
        using var w = new Utf8JsonWriter(stream, Options);
        w.WriteStartObject();
        w.WriteString("id", patch.Metadata.Id);
        w.WriteNumber("level", patch.Metadata.Level);
        w.WriteString("object", patch.Target.ObjectName);
        w.WriteString("buildId", patch.Target.BuildIdHex);
        w.WriteString("description", patch.Metadata.Description);
        WriteStrings(w, "cves", patch.Metadata.Cves);
        w.WriteString("created", patch.Metadata.CreatedUtc.UtcDateTime);
        w.WriteString("compiler", patch.Metadata.Compiler);
        w.WriteString("buildCommand", patch.Metadata.BuildCommand);
        WriteStrings(w, "overrides", patch.Metadata.Overrides);
        w.WriteString("sha256", document.Sha256);
        w.WriteNumber("codeSize", patch.Image.Code.Length);
        w.WriteNumber("dataSize", patch.Image.Data.Length);
        w.WriteNumber("bssSize", patch.Image.BssSize);
        w.WriteNumber("relocations", patch.Relocations.Count);
        w.WriteNumber("unwindTableSize", patch.Unwind?.EhFrameSize ?? 0);
        w.WriteStartArray("needs");
        foreach (IGrouping<(string, string?), PatchRelocation> external in patch.Relocations.Where(r => r.Target == PatchSymbolKind.External).GroupBy(r => (r.Symbol, r.Version)))
        {
            w.WriteStartObject();
            w.WriteString("symbol", external.Key.Item1);
            w.WriteString("version", external.Key.Item2);
            w.WriteBoolean("threadLocal", external.Any(r => r.IsThreadLocal));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("functions");
        foreach (PatchFunction f in patch.Functions)
        {
            w.WriteStartObject();
            w.WriteString("symbol", f.Symbol);
            w.WriteString("oldAddress", $"0x{f.OldAddress:x}");
            w.WriteNumber("oldSize", f.OldSize);
            w.WriteNumber("entryOffset", f.EntryOffset);
            w.WriteString("expectedBytes", Convert.ToHexStringLower(f.ExpectedBytes));
            w.WriteString("newOffset", $"0x{f.NewOffset:x}");
            w.WriteNumber("newSize", f.NewSize);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    public static void WriteStatus(Stream stream, int pid, string name, ProcessPatchStatus status, IReadOnlyList<ThreadVerdict>? verdicts)
    {
        using var w = new Utf8JsonWriter(stream, Options);
        w.WriteStartObject();
        w.WriteNumber("pid", pid);
        w.WriteString("name", name);
        w.WriteBoolean("consistent", status.IsConsistent);
        w.WriteStartArray("patches");
        foreach (RecordVerdict v in status.Records)
        {
            AppliedPatch p = v.Record;
            w.WriteStartObject();
            w.WriteString("id", p.PatchId);
            w.WriteNumber("level", p.Level);
            w.WriteBoolean("active", v.Role == RecordRole.Active);
            w.WriteString("role", v.Role.ToString().ToLowerInvariant());
            w.WriteBoolean("recordSaysActive", p.IsActive && p.Phase == RecordPhase.Applied);
            w.WriteString("phase", p.Phase.ToString().ToLowerInvariant());
            w.WriteBoolean("consistent", v.IsConsistent);
            if (v.Problem is null)
            {
                w.WriteNull("problem");
            }
            else
            {
                w.WriteString("problem", v.Problem);
            }

            w.WriteString("object", p.ObjectName);
            w.WriteString("buildId", p.BuildIdHex);
            w.WriteString("description", p.Description);
            WriteStrings(w, "cves", p.Cves);
            w.WriteString("applied", p.AppliedUtc.UtcDateTime);
            w.WriteString("sha256", p.PatchSha256);
            w.WriteString("base", $"0x{p.Base:x}");
            w.WriteStartArray("functions");
            foreach (AppliedFunction f in p.Functions)
            {
                w.WriteStartObject();
                w.WriteString("symbol", f.Symbol);
                w.WriteString("address", $"0x{f.EntryAddress:x}");
                w.WriteString("newAddress", $"0x{f.NewAddress:x}");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("unreadable");
        foreach (UnreadableRecord u in status.Unreadable)
        {
            w.WriteStartObject();
            w.WriteString("name", u.Name);
            w.WriteString("start", $"0x{u.Start:x}");
            w.WriteString("end", $"0x{u.End:x}");
            w.WriteString("reason", u.Reason);
            w.WriteBoolean("reclaimable", u.IsPristine);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteStrings(w, "foreign", status.Foreign);
        if (verdicts is not null)
        {
            w.WriteStartArray("threads");
            foreach (ThreadVerdict v in verdicts)
            {
                w.WriteStartObject();
                w.WriteNumber("tid", v.Tid);
                w.WriteString("name", v.Name);
                w.WriteBoolean("blocks", !v.IsSafe);
                w.WriteNumber("frames", v.Stack.ProgramCounters.Count);
                WriteStrings(w, "busyIn", v.BusyIn);
                if (v.Stack.Failure is not null)
                {
                    w.WriteString("unwindFailure", v.Stack.Failure);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    public static void WriteFleetStatus(Stream stream, IReadOnlyList<ObjectState> states)
    {
        using var w = new Utf8JsonWriter(stream, Options);
        w.WriteStartObject();
        w.WriteStartArray("processes");
        foreach (ObjectState s in states)
        {
            w.WriteStartObject();
            w.WriteNumber("pid", s.Pid);
            w.WriteString("name", s.Name);
            w.WriteString("object", s.ObjectPath);
            w.WriteString("buildId", s.BuildId);
            w.WriteString("state", s.State);
            if (s.Level is int level)
            {
                w.WriteNumber("level", level);
                w.WriteString("patchId", s.PatchId);
            }

            if (s.Reason is not null)
            {
                w.WriteString("reason", s.Reason);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
