using System.Globalization;
using Suture.Format;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.State;

namespace Suture.Cli.Output;

/// <summary>Human-readable output of inspect and status.</summary>
internal static class TextOutput
{
    public static void WritePatch(TextWriter o, PatchDocument document, Trust.PatchSignature? signature = null)
    {
        PatchFile patch = document.Patch;
        PatchMetadata m = patch.Metadata;
        o.WriteLine($"patch:       {Printable.Text(m.Id)}");
        o.WriteLine($"level:       {m.Level}");
        o.WriteLine($"target:      {Printable.Text(patch.Target.ObjectName)}");
        o.WriteLine($"build id:    {patch.Target.BuildIdHex}");
        o.WriteLine($"description: {Printable.Text(m.Description)}");
        o.WriteLine($"cves:        {(m.Cves.Count == 0 ? "-" : Printable.Join(m.Cves))}");
        o.WriteLine($"created:     {m.CreatedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}");
        o.WriteLine($"compiler:    {Printable.Text(m.Compiler)}");
        WriteBuild(o, m.BuildCommand);
        if (m.Overrides.Count > 0)
        {
            o.WriteLine($"overrides:   {Printable.Join(m.Overrides)}");
        }

        o.WriteLine($"sha256:      {document.Sha256}");
        o.WriteLine($"signed by:   {(signature is null ? "- (unsigned: apply refuses it unless --allow-unsigned)" : $"key {signature.KeyId} ({Printable.Text(signature.SignerName)}), as the patch claims; 'suture verify' checks it against the trust directory")}");
        o.WriteLine($"image:       {patch.Image.Code.Length} bytes code, {patch.Image.Data.Length} bytes data, {patch.Image.BssSize} bytes bss, {patch.Relocations.Count} relocations");
        o.WriteLine($"unwind:      {(patch.Unwind is null ? "none" : $"{patch.Unwind.EhFrameSize} bytes of .eh_frame for the new code (registered with the C++ unwinder of processes that have one)")}");
        o.WriteLine($"functions:   {patch.Functions.Count}");
        foreach (PatchFunction f in patch.Functions)
        {
            o.WriteLine($"  {Printable.Text(f.Symbol)}: old 0x{f.OldAddress:x} ({f.OldSize} bytes, jump at +{f.EntryOffset} over {Convert.ToHexStringLower(f.ExpectedBytes)}), new +0x{f.NewOffset:x} ({f.NewSize} bytes)");
        }

        foreach (IGrouping<string, PatchRelocation> external in patch.Relocations.Where(r => r.Target == PatchSymbolKind.External).GroupBy(r => r.Symbol))
        {
            PatchRelocation first = external.First();
            string kind = external.Any(r => r.IsThreadLocal) ? "thread-local " : "";
            o.WriteLine($"  needs {kind}{Printable.Text(first.Symbol)}{(first.Version is null ? "" : "@" + Printable.Text(first.Version))} from another object");
        }
    }

    private const int Width = 100;

    /// <summary>
    /// The build command on its line, then each compile the patch was built from on its own
    /// lines, wrapped at argument boundaries (a patch written before the record had lines prints
    /// its single line wrapped the same way).
    /// </summary>
    private static void WriteBuild(TextWriter o, string record)
    {
        string[] lines = record.Split('\n');
        WriteWrapped(o, "build:       ", "               ", Printable.Text(lines[0]));
        if (lines.Length > 1)
        {
            o.WriteLine("compiled:");
        }

        foreach (string line in lines.Skip(1))
        {
            WriteWrapped(o, "  ", "      ", Printable.Text(line));
        }
    }

    private static void WriteWrapped(TextWriter o, string first, string next, string text)
    {
        var line = new System.Text.StringBuilder(first);
        int start = line.Length;
        foreach (string word in text.Split(' '))
        {
            if (line.Length > start && line.Length + 1 + word.Length > Width)
            {
                o.WriteLine(line.ToString());
                line.Clear().Append(next);
                start = line.Length;
            }

            line.Append(line.Length > start ? " " : "").Append(word);
        }

        o.WriteLine(line.ToString());
    }

    public static void WriteStatus(TextWriter o, int pid, string name, ProcessPatchStatus status, IReadOnlyList<ThreadVerdict>? verdicts)
    {
        int active = status.Records.Count(v => v.Role == RecordRole.Active);
        o.WriteLine($"process {pid} ({Printable.Text(name)}): {(status.Records.Count == 0 && status.Unreadable.Count == 0 ? "no patches applied" : $"{active} patch(es) active")}{(status.IsConsistent ? "" : "; suture's records are inconsistent (the next apply, revert or `suture gc` repairs them)")}");
        foreach (RecordVerdict v in status.Records)
        {
            AppliedPatch p = v.Record;
            string role = v.Role switch
            {
                RecordRole.Active => "",
                RecordRole.Superseded => ", superseded by a newer level",
                _ => ", not running (leftover)",
            };
            o.WriteLine($"  {Printable.Text(p.PatchId)} level {p.Level} for {Printable.Text(p.ObjectName)} (Build ID {p.BuildIdHex}){role}");
            if (v.Problem is not null)
            {
                o.WriteLine($"    inconsistent record: {Printable.Text(v.Problem)}");
            }
            else if (v.Role == RecordRole.Leftover)
            {
                o.WriteLine("    kept mapped: a run was killed while deregistering its unwind table, and whether that finished cannot be told");
            }

            o.WriteLine($"    applied {p.AppliedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}, patch sha256 {p.PatchSha256}");
            o.WriteLine(p.Signer is null ? "    unsigned: applied with --allow-unsigned (or without verification)" : $"    signed by key {p.Signer.KeyId} ({Printable.Text(p.Signer.Name)}), verified when applied");
            if (p.Cves.Count > 0)
            {
                o.WriteLine($"    fixes {Printable.Join(p.Cves)}");
            }

            if (p.Description.Length > 0)
            {
                o.WriteLine($"    {Printable.Text(p.Description)}");
            }

            foreach (AppliedFunction f in p.Functions)
            {
                o.WriteLine($"    {Printable.Text(f.Symbol)}: 0x{f.EntryAddress:x} -> 0x{f.NewAddress:x}");
            }
        }

        foreach (UnreadableRecord u in status.Unreadable)
        {
            o.WriteLine(u.IsPristine
                ? $"  unused suture memory {Printable.Text(u.Name)} at 0x{u.Start:x}-0x{u.End:x}: an apply was killed right after mapping it, before writing anything; the next apply, revert or gc unmaps it"
                : $"  unreadable suture memory {Printable.Text(u.Name)} at 0x{u.Start:x}-0x{u.End:x}: {Printable.Text(u.Reason)}; its code may run, and it stays mapped (nothing tells whether its unwind table is registered)");
        }

        foreach (string foreign in status.Foreign)
        {
            o.WriteLine($"  entry changed outside suture: {Printable.Text(foreign)}");
        }

        if (verdicts is not null)
        {
            o.WriteLine($"threads ({verdicts.Count(v => !v.IsSafe)} of {verdicts.Count} would block the patch now):");
            foreach (ThreadVerdict v in verdicts)
            {
                o.WriteLine($"  {(v.IsSafe ? "free   " : "blocks ")} {Printable.Text(v.ToString())}");
            }
        }
    }

    public static void WriteFleetStatus(TextWriter o, IReadOnlyList<ObjectState> states)
    {
        if (states.Count == 0)
        {
            o.WriteLine("no process maps a patched object");
            return;
        }

        foreach (IGrouping<string, ObjectState> group in states.GroupBy(s => s.BuildId))
        {
            o.WriteLine($"{Printable.Text(Path.GetFileName(group.First().ObjectPath))} (Build ID {group.Key}): {group.Count(s => s.State == "patched")} of {group.Count()} process(es) patched");
            foreach (ObjectState s in group)
            {
                string detail = s.State switch
                {
                    "patched" => $"patched at level {s.Level} ({Printable.Text(s.PatchId)})",
                    "not patchable" => $"not patchable: {Printable.Text(s.Reason)}",
                    _ => s.Reason is null ? "unpatched" : $"unpatched ({Printable.Text(s.Reason)})",
                };
                o.WriteLine($"  {s.Pid,7} {Printable.Text(s.Name),-16} {detail}");
            }
        }
    }
}
