using System.CommandLine;
using Suture.Cli.Output;
using Suture.Format;
using Suture.Patching.Engine.Fleet;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.Host;
using Suture.Patching.State;
using Suture.Patching.Store;
using Suture.Process.Tracing;

namespace Suture.Cli.Commands;

/// <summary>
/// <c>suture status</c>: which patches a process runs, or (<c>--all</c>) the state of every
/// process that maps a patched object. Read without stopping anything.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(IConsole console)
    {
        var pid = new Option<string?>("--pid", "-p") { Description = "Process id to report on" };
        var all = new Option<bool>("--all") { Description = "Every process that maps a patched object (or an object of the given patches), with its state" };
        var patches = new Argument<string?>("patches")
        {
            Description = "With --all: a patch file or store whose objects to report on (default: objects any process runs a patch for)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        Option<bool> json = CommonOptions.Json();
        var cves = new Option<bool>("--cves") { Description = "Each CVE the running patches (or the given patches) fix: fixed, partially fixed (with the pids still vulnerable) or not fixed; exit 0 all fixed, 15 not all, 16 none applied" };
        var oval = new Option<bool>("--oval") { Description = "With --cves: write OVAL definitions (one per CVE, true while it is not fixed on the host) for a scanner such as 'oscap oval eval'" };
        var osv = new Option<bool>("--osv") { Description = "With --cves: write OSV records (one per CVE, the installed version listed as affected while some process still runs the vulnerable code) for tools that read the OSV schema" };
        var check = new Option<string?>("--check") { Description = "With -p: stop the process once and show, per thread, whether it would block this patch now" };
        var command = new Command("status", "List the patches applied to a running process, or with --all the state of every process mapping a patched object")
        {
            pid, all, cves, oval, osv, json, check, patches,
        };
        command.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            string? pidText = result.GetValue(pid);
            if (result.GetValue(cves))
            {
                return pidText is not null
                    ? throw new SutureException("status --cves reports the whole host; leave out -p", ExitCode.Usage)
                    : CveStatus.Report(console, result.GetValue(patches), CveStatus.ChooseFormat(result.GetValue(json), result.GetValue(oval), result.GetValue(osv)));
            }

            if (result.GetValue(oval) || result.GetValue(osv))
            {
                throw new SutureException($"{(result.GetValue(oval) ? "--oval" : "--osv")} is a form of 'status --cves'; add --cves", ExitCode.Usage);
            }

            if (result.GetValue(all) == (pidText is not null))
            {
                throw new SutureException("status needs either -p PID or --all", ExitCode.Usage);
            }

            if (pidText is not null)
            {
                int target = CommonOptions.ParsePid(pidText, allowAll: false)!.Value;
                ProcessPatchStatus applied = PatchStatusReader.ReadStatus(target);
                string name = ThreadList.Name(target, target);
                IReadOnlyList<ThreadVerdict>? verdicts = null;
                if (result.GetValue(check) is string patchPath)
                {
                    PatchDocument document = PatchDocument.Load(patchPath);
                    using var tracer = new Tracer();
                    verdicts = console.Interruption.Guard(() => tracer.Run(() => PatchCheck.Run(target, document.Patch, cancel)));
                }

                if (result.GetValue(json))
                {
                    using Stream stdout = console.OpenStandardOutput();
                    JsonOutput.WriteStatus(stdout, target, name, applied, verdicts);
                }
                else
                {
                    TextOutput.WriteStatus(console.Out, target, name, applied, verdicts);
                }

                return 0;
            }

            // One pass over the host for both the report and the scanners' state it brings up to date.
            HashSet<string>? buildIds = BuildIds(result.GetValue(patches));
            IReadOnlyList<ProcessSnapshot> processes = HostScan.All();
            IReadOnlyList<ObjectState> states = FleetStatusReader.States(processes, buildIds);
            HostStateRefresh.Run(console, () => HostState.From(processes, null, ScanCache.Read(HostStateWriter.Directory)?.Owners ?? PackageOwners.Fresh()));
            if (result.GetValue(json))
            {
                using Stream stdout = console.OpenStandardOutput();
                JsonOutput.WriteFleetStatus(stdout, states);
            }
            else
            {
                TextOutput.WriteFleetStatus(console.Out, states);
            }

            return 0;
        }));
        return command;
    }

    internal static HashSet<string>? BuildIds(string? patches) => patches is null
        ? null
        : PatchStore.IsStore(patches)
            ? PatchStore.Load(patches).Patches.Select(p => p.Patch.Target.BuildIdHex).ToHashSet(StringComparer.Ordinal)
            : [PatchDocument.Load(patches).Patch.Target.BuildIdHex];
}
