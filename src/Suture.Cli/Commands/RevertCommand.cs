using System.CommandLine;
using Suture.Cli.Output;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Status;
using Suture.Patching.State;
using Suture.Process.Tracing;

namespace Suture.Cli.Commands;

/// <summary><c>suture revert</c>: take the newest (or a named) patch out of a running process.</summary>
internal static class RevertCommand
{
    public static Command Create(IConsole console)
    {
        Option<string> pid = CommonOptions.Pid(allowAll: false);
        Option<double> timeout = CommonOptions.Timeout();
        var id = new Option<string?>("--id") { Description = "Patch to revert (default: the newest)" };
        var command = new Command("revert", "Revert a patch in a running process: restore the original entries and unload the new code")
        {
            pid, timeout, id,
        };
        command.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            int target = CommonOptions.ParsePid(result.GetValue(pid)!, allowAll: false)!.Value;
            var options = new OperationOptions { Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)), Cancellation = cancel };
            using var tracer = new Tracer();
            AppliedPatch reverted = HostStateRefresh.After(console, new HashSet<int> { target }, () => console.Interruption.Guard(() => tracer.Run(() => PatchReverter.Revert(target, result.GetValue(id), options))));
            AppliedPatch? below = PatchStatusReader.ReadStatus(target).Records.Where(v => v.Role == RecordRole.Active).Select(v => v.Record).FirstOrDefault(p => p.BuildIdHex == reverted.BuildIdHex);
            console.Out.WriteLine($"reverted {Printable.Text(reverted.PatchId)} (level {reverted.Level}) in process {target}: {WhatRunsNow(reverted, below)}");
            return 0;
        }));
        return command;
    }

    /// <summary>What runs now: every function of the level below (still loaded) runs that level again; the reverted functions it lacks run their original code.</summary>
    private static string WhatRunsNow(AppliedPatch reverted, AppliedPatch? below)
    {
        // Reverting level N redirects every function of the level below again, including those
        // level N had put back to their original code.
        var back = below?.Functions.Select(f => f.Symbol).ToList() ?? [];
        var original = reverted.Functions.Where(f => below?.Functions.Any(b => b.EntryAddress == f.EntryAddress) != true).Select(f => f.Symbol).ToList();
        var parts = new List<string>();
        if (back.Count > 0)
        {
            parts.Add($"{Printable.Join(back)} run{(back.Count == 1 ? "s" : "")} level {below!.Level} ({Printable.Text(below.PatchId)}) again");
        }

        if (original.Count > 0)
        {
            parts.Add($"{Printable.Join(original)} run{(original.Count == 1 ? "s" : "")} {(original.Count == 1 ? "its" : "their")} original code again");
        }

        return string.Join("; ", parts);
    }
}
