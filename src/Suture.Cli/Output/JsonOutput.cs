using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suture.Contracts;
using Suture.Format;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.State;

namespace Suture.Cli.Output;

/// <summary>
/// JSON output of inspect and status: the engine's results mapped to the contracts of
/// <c>Suture.Contracts</c> and written by its source-generated <see cref="SutureJsonContext"/>.
/// </summary>
internal static class JsonOutput
{
    public static void WritePatch(Stream stream, PatchDocument document, Trust.PatchSignature? signature = null) =>
        Write(stream, Contract(document, signature), SutureJsonContext.Default.InspectResult);

    public static void WriteStatus(Stream stream, int pid, string name, ProcessPatchStatus status, IReadOnlyList<ThreadVerdict>? verdicts) =>
        Write(stream, Contract(pid, name, status, verdicts), SutureJsonContext.Default.StatusResult);

    public static void WriteKernelStatus(Stream stream, KernelStatusResult status) =>
        Write(stream, status, SutureJsonContext.Default.KernelStatusResult);

    public static void WriteFleetStatus(Stream stream, IReadOnlyList<ObjectState> states) =>
        Write(stream, new FleetStatusResult(states.Select(s => new ProcessObjectState(
            s.Pid, s.Name, s.ObjectPath, s.BuildId, s.State, s.Level, s.Level is null ? null : s.PatchId, s.Reason)).ToList()),
            SutureJsonContext.Default.FleetStatusResult);

    private static InspectResult Contract(PatchDocument document, Trust.PatchSignature? signature)
    {
        PatchFile patch = document.Patch;
        PatchMetadata m = patch.Metadata;
        return new InspectResult(
            m.Id,
            m.Level,
            patch.Target.ObjectName,
            patch.Target.BuildIdHex,
            m.Description,
            m.Cves,
            m.CreatedUtc.UtcDateTime,
            m.Compiler,
            m.BuildCommand,
            m.Overrides,
            document.Sha256,
            signature is null ? null : new Signer(signature.KeyId, signature.SignerName),
            patch.Image.Code.Length,
            patch.Image.Data.Length,
            patch.Image.BssSize,
            patch.Relocations.Count,
            patch.Unwind?.EhFrameSize ?? 0,
            patch.Relocations.Where(r => r.Target == PatchSymbolKind.External).GroupBy(r => (r.Symbol, r.Version))
                .Select(g => new NeededSymbol(g.Key.Symbol, g.Key.Version, g.Any(r => r.IsThreadLocal))).ToList(),
            patch.Functions.Select(f => new RedirectedFunction(
                f.Symbol, $"0x{f.OldAddress:x}", f.OldSize, f.EntryOffset, Convert.ToHexStringLower(f.ExpectedBytes), $"0x{f.NewOffset:x}", f.NewSize)).ToList());
    }

    private static StatusResult Contract(int pid, string name, ProcessPatchStatus status, IReadOnlyList<ThreadVerdict>? verdicts) => new(
        pid,
        name,
        status.IsConsistent,
        status.Records.Select(v => new AppliedPatchStatus(
            v.Record.PatchId,
            v.Record.Level,
            v.Role == RecordRole.Active,
            v.Role.ToString().ToLowerInvariant(),
            v.Record.IsActive && v.Record.Phase == RecordPhase.Applied,
            v.Record.Phase.ToString().ToLowerInvariant(),
            v.IsConsistent,
            v.Problem,
            v.Record.ObjectName,
            v.Record.BuildIdHex,
            v.Record.Description,
            v.Record.Cves,
            v.Record.AppliedUtc.UtcDateTime,
            v.Record.PatchSha256,
            v.Record.Signer is not null,
            v.Record.Signer is null ? null : new Signer(v.Record.Signer.KeyId, v.Record.Signer.Name),
            $"0x{v.Record.Base:x}",
            v.Record.Functions.Select(f => new AppliedFunctionStatus(f.Symbol, $"0x{f.EntryAddress:x}", $"0x{f.NewAddress:x}")).ToList())).ToList(),
        status.Unreadable.Select(u => new UnreadableMemory(u.Name, $"0x{u.Start:x}", $"0x{u.End:x}", u.Reason, u.IsPristine)).ToList(),
        status.Foreign,
        verdicts?.Select(v => new ThreadCheck(v.Tid, v.Name, !v.IsSafe, v.Stack.ProgramCounters.Count, v.BusyIn, v.Stack.Failure)).ToList());

    private static void Write<T>(Stream stream, T value, JsonTypeInfo<T> type)
    {
        JsonSerializer.Serialize(stream, value, type);
        stream.WriteByte((byte)'\n');
    }
}
