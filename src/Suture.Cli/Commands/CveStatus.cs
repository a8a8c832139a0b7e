using Suture.Cli.Output;
using Suture.Format;
using Suture.Patching.Host;
using Suture.Patching.Store;

namespace Suture.Cli.Commands;

/// <summary>
/// <c>suture status --cves</c>: each CVE with its state on the host, for people and monitoring
/// (exit 0: every CVE fixed; 15: some only partially or not fixed; 16: no fix runs). Writes the
/// host state directory on the way (docs/scanners.md).
/// </summary>
internal static class CveStatus
{
    public static int Report(IConsole console, string? patches, bool json, bool oval)
    {
        HostState state = HostState.Collect(Known(patches));
        try
        {
            HostStateWriter.Write(state);
        }
        catch (SutureException e)
        {
            console.Error.WriteLine($"warning: host state not updated: {Printable.Text(e.Message)}");
        }

        if (oval)
        {
            using Stream stdout = console.OpenStandardOutput();
            stdout.Write(OvalDefinitions.Write(state, HostStateWriter.Directory));
        }
        else if (json)
        {
            using Stream stdout = console.OpenStandardOutput();
            stdout.Write(HostStateWriter.CvesJson(state));
        }
        else if (state.Cves.Count == 0)
        {
            console.Out.WriteLine("no running process runs a patch that fixes a CVE");
        }
        else
        {
            foreach (HostCve cve in state.Cves)
            {
                string pids = cve.State == CveState.Fixed ? $"in {cve.PatchedPids.Count} process(es)" : $"still vulnerable: pid(s) {string.Join(' ', cve.UnpatchedPids)}";
                console.Out.WriteLine($"{Printable.Text(cve.Id),-16} {HostStateWriter.StateName(cve.State),-15} by {Printable.Join(cve.Patches)}; {pids}");
            }

            console.Out.WriteLine($"note: {HostStateWriter.RestartNote}");
        }

        return state.Cves.Count == 0 ? (int)ExitCode.NoCveFixes
            : state.Cves.All(c => c.State == CveState.Fixed) ? 0
            : (int)ExitCode.CvesNotAllFixed;
    }

    private static Dictionary<string, IReadOnlyList<(string PatchId, IReadOnlyList<string> Cves)>>? Known(string? patches)
    {
        if (patches is null)
        {
            return null;
        }

        IReadOnlyList<PatchDocument> documents = PatchStore.IsStore(patches) ? PatchStore.Load(patches).Newest : [PatchDocument.Load(patches)];
        return documents.GroupBy(d => d.Patch.Target.BuildIdHex).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<(string, IReadOnlyList<string>)>)g.Select(d => ($"{d.Patch.Metadata.Id}.{d.Patch.Metadata.Level}", d.Patch.Metadata.Cves)).ToList(),
            StringComparer.Ordinal);
    }
}
