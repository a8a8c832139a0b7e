using System.CommandLine;
using System.Diagnostics;
using Suture.Patching.Engine;
using Suture.Patching.State;
using Suture.Process.Tracing;

namespace Suture.Cli.Commands;

/// <summary><c>suture apply</c>: load a patch into a running process.</summary>
internal static class ApplyCommand
{
    public static Command Create()
    {
        Option<int> pid = CommonOptions.Pid();
        Option<double> timeout = CommonOptions.Timeout();
        var file = new Argument<string>("patch") { Description = "Patch file" };
        var allowCoroutines = new Option<bool>("--allow-coroutines") { Description = "Apply even if the process switches user-level stacks (makecontext/swapcontext, fcontext) that the stack check cannot see" };
        var command = new Command("apply", "Apply a patch to a running process: stop it, check no thread runs a replaced function, load the new code, redirect, resume")
        {
            pid, timeout, allowCoroutines, file,
        };
        command.SetAction(result => CommandRunner.Run(result, cancel =>
        {
            PatchDocument document = PatchDocument.Load(result.GetValue(file)!);
            int target = result.GetValue(pid);
            var options = new OperationOptions { Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)), Cancellation = cancel, AllowCoroutines = result.GetValue(allowCoroutines) };
            var clock = Stopwatch.StartNew();
            using var tracer = new Tracer();
            AppliedPatch applied = tracer.Run(() => PatchApplier.Apply(target, document.Patch, document.Sha256, options));
            Console.WriteLine($"applied {applied.PatchId} (level {applied.Level}) to process {target}: {string.Join(", ", applied.Functions.Select(f => f.Symbol))} redirected to 0x{applied.Base:x} in {clock.Elapsed.TotalMilliseconds:0.0} ms");
            return 0;
        }));
        return command;
    }
}
