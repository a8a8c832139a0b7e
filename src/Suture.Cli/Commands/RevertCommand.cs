using System.CommandLine;
using Suture.Patching.Engine;
using Suture.Patching.State;
using Suture.Process.Tracing;

namespace Suture.Cli.Commands;

/// <summary><c>suture revert</c>: take the newest (or a named) patch out of a running process.</summary>
internal static class RevertCommand
{
    public static Command Create()
    {
        Option<string> pid = CommonOptions.Pid(allowAll: false);
        Option<double> timeout = CommonOptions.Timeout();
        var id = new Option<string?>("--id") { Description = "Patch to revert (default: the newest)" };
        var command = new Command("revert", "Revert a patch in a running process: restore the original entries and unload the new code")
        {
            pid, timeout, id,
        };
        command.SetAction(result => CommandRunner.Run(result, cancel =>
        {
            int target = CommonOptions.ParsePid(result.GetValue(pid)!, allowAll: false)!.Value;
            var options = new OperationOptions { Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)), Cancellation = cancel };
            using var tracer = new Tracer();
            AppliedPatch reverted = Interruption.Guard(() => tracer.Run(() => PatchReverter.Revert(target, result.GetValue(id), options)));
            Console.WriteLine($"reverted {reverted.PatchId} (level {reverted.Level}) in process {target}: {string.Join(", ", reverted.Functions.Select(f => f.Symbol))} run their original code again");
            return 0;
        }));
        return command;
    }
}
