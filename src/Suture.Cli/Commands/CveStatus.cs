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
    /// <summary>How the CVEs are written: for people, or one of the forms tools read.</summary>
    internal enum Output
    {
        Text,
        Json,
        Oval,
        Osv,
    }

    /// <exception cref="SutureException">More than one of the forms is asked for (<see cref="ExitCode.Usage"/>).</exception>
    public static Output ChooseFormat(bool json, bool oval, bool osv)
    {
        var chosen = new List<string>();
        foreach ((bool given, string option) in new[] { (json, "--json"), (oval, "--oval"), (osv, "--osv") })
        {
            if (given)
            {
                chosen.Add(option);
            }
        }

        return chosen.Count > 1
            ? throw new SutureException($"status --cves writes one form at a time; give only one of {string.Join(", ", chosen)}", ExitCode.Usage)
            : json ? Output.Json : oval ? Output.Oval : osv ? Output.Osv : Output.Text;
    }

    public static int Report(IConsole console, string? patches, Output format)
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

        if (format != Output.Text)
        {
            using Stream stdout = console.OpenStandardOutput();
            stdout.Write(format switch
            {
                Output.Oval => OvalDefinitions.Write(state, HostStateWriter.Directory),
                Output.Osv => OsvRecords.Json(state, OsRelease.Load()),
                _ => HostStateWriter.CvesJson(state),
            });
        }
        else if (state.Cves.Count == 0)
        {
            console.Out.WriteLine("no running process runs a patch that fixes a CVE");
        }
        else
        {
            foreach (HostCve cve in state.Cves)
            {
                string pids = cve.State == CveState.Fixed ? FixedWhere(cve) : $"still vulnerable: pid(s) {string.Join(' ', cve.UnpatchedPids)}";
                console.Out.WriteLine($"{Printable.Text(cve.Id),-16} {HostStateWriter.StateName(cve.State),-15} by {Printable.Join(cve.Patches)}; {pids}");
            }

            console.Out.WriteLine($"note: {HostStateWriter.RestartNote}");
        }

        return state.Cves.Count == 0 ? (int)ExitCode.NoCveFixes
            : state.Cves.All(c => c.State == CveState.Fixed) ? 0
            : (int)ExitCode.CvesNotAllFixed;
    }

    /// <summary>Where a fixed CVE is fixed: in how many processes, and in the running kernel when a kernel livepatch fixes it (which has no processes of its own).</summary>
    private static string FixedWhere(HostCve cve)
    {
        string processes = $"in {cve.PatchedPids.Count} process(es)";
        if (!cve.Objects.Any(RunningKernel.IsImagePath))
        {
            return processes;
        }

        return cve.PatchedPids.Count == 0 ? "in the running kernel" : $"{processes} and in the running kernel";
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
