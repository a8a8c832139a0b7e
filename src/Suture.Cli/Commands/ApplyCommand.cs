using System.CommandLine;
using System.Diagnostics;
using Suture.Format;
using Suture.Cli.Output;
using Suture.Patching.Engine.Fleet;
using Suture.Patching.Engine.Operations;
using Suture.Patching.State;
using Suture.Patching.Store;
using Suture.Process.Tracing;

namespace Suture.Cli.Commands;

/// <summary><c>suture apply</c>: load a patch into one running process, or into all that map its object.</summary>
internal static class ApplyCommand
{
    public static Command Create(IConsole console)
    {
        Option<string> pid = CommonOptions.Pid(allowAll: true);
        Option<double> timeout = CommonOptions.Timeout();
        var file = new Argument<string>("patch") { Description = "Patch file, or a patch store directory (the newest level of each object in it is applied)" };
        var allowCoroutines = new Option<bool>("--allow-coroutines") { Description = "Apply even if the process switches user-level stacks (makecontext/swapcontext, fcontext) that the stack check cannot see" };
        var allowDowngrade = new Option<bool>("--allow-downgrade") { Description = "Replace the running level of the object with a lower or equal one" };
        Option<string?> trustDir = TrustOptions.TrustDir();
        Option<bool> allowUnsigned = TrustOptions.AllowUnsigned();
        var command = new Command("apply", "Verify a patch's signature, then apply it to a running process: stop it, check no thread runs a replaced function, load the new code, redirect, resume")
        {
            pid, timeout, allowCoroutines, allowDowngrade, trustDir, allowUnsigned, file,
        };
        command.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            string path = result.GetValue(file)!;
            int? target = CommonOptions.ParsePid(result.GetValue(pid)!, allowAll: true);
            var options = new OperationOptions
            {
                Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
                Cancellation = cancel,
                AllowCoroutines = result.GetValue(allowCoroutines),
                AllowDowngrade = result.GetValue(allowDowngrade),
            };
            // Signatures are checked here, before any process is stopped (docs/decisions.md).
            PatchStore? store = PatchStore.IsStore(path) ? PatchStore.Load(path) : null;
            PatchDocument document = store?.Newest[0] ?? PatchDocument.Load(path);
            options = options with { Signers = TrustOptions.Verify(console, store?.Newest ?? [document], result.GetValue(trustDir), result.GetValue(allowUnsigned)) };
            using var tracer = new Tracer();
            // The host state (docs/scanners.md) follows every change: written with write(2), so
            // pwrite64 stays the call of suture's writes into targets (the kill-point tests count it).
            // One process changed: only it is read again; -p all and stores read the whole host anyway.
            return HostStateRefresh.After(console, store is null && target is int changed ? new HashSet<int> { changed } : null, () => store is not null ? ApplyStore(console, tracer, store, target, options)
                : target is int one ? ApplyOne(console, tracer, one, document, options) : ApplyAll(console, tracer, document, options));
        }));
        return command;
    }

    private static int ApplyOne(IConsole console, Tracer tracer, int pid, PatchDocument document, OperationOptions options)
    {
        var clock = Stopwatch.StartNew();
        AppliedPatch applied = console.Interruption.Guard(() => tracer.Run(() => PatchApplier.Apply(pid, document.Patch, document.Sha256, options)));
        console.Out.WriteLine($"applied {Printable.Text(applied.PatchId)} (level {applied.Level}) to process {pid}: {Printable.Join(applied.Functions.Select(f => f.Symbol))} redirected to 0x{applied.Base:x} in {clock.Elapsed.TotalMilliseconds:0.0} ms");
        return 0;
    }

    private static int ApplyAll(IConsole console, Tracer tracer, PatchDocument document, OperationOptions options)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<FleetResult> results = console.Interruption.Guard(() => tracer.Run(() => FleetApplier.ApplyAll(document.Patch, document.Sha256, options, r => Report(console, r))));
        int patched = results.Count(r => r.Outcome == FleetOutcome.Patched);
        int already = results.Count(r => r.Outcome == FleetOutcome.AlreadyPatched);
        int exited = results.Count(r => r.Outcome == FleetOutcome.Exited);
        int failed = results.Count(r => r.Outcome == FleetOutcome.NotPatchable);
        console.Out.WriteLine($"{results.Count} process(es) map {Printable.Text(document.Patch.Target.ObjectName)} (Build ID {document.Patch.Target.BuildIdHex}): {patched} patched, {already} already patched, {failed} not patchable, {exited} exited, in {clock.Elapsed.TotalMilliseconds:0} ms");
        if (options.Cancellation.IsCancellationRequested)
        {
            throw new SutureException("apply -p all interrupted; the processes listed above are done, the others untouched", ExitCode.Interrupted);
        }

        return failed > 0 ? (int)ExitCode.PartialFailure : 0;
    }

    private static int ApplyStore(IConsole console, Tracer tracer, PatchStore store, int? pid, OperationOptions options)
    {
        var results = console.Interruption.Guard(() => tracer.Run(() => StoreApplier.Apply(store, pid, options, (document, result) =>
        {
            console.Out.Write($"{Printable.Text(document.Patch.Target.ObjectName),-16} level {document.Patch.Metadata.Level,-3} ");
            Report(console, result);
        })));
        int failed = results.Count(r => r.Result.Outcome == FleetOutcome.NotPatchable);
        console.Out.WriteLine($"{store.Newest.Count} object(s) in the store, {results.Count} process/object pair(s): {results.Count(r => r.Result.Outcome == FleetOutcome.Patched)} patched, {results.Count(r => r.Result.Outcome == FleetOutcome.AlreadyPatched)} already patched, {failed} not patchable, {results.Count(r => r.Result.Outcome == FleetOutcome.Exited)} exited");
        if (options.Cancellation.IsCancellationRequested)
        {
            throw new SutureException("apply interrupted; the processes listed above are done, the others untouched", ExitCode.Interrupted);
        }

        return failed > 0 ? (int)ExitCode.PartialFailure : 0;
    }

    private static void Report(IConsole console, FleetResult result)
    {
        string name = Printable.Text(result.Name);
        string detail = Printable.Text(result.Detail);
        string line = result.Outcome switch
        {
            FleetOutcome.Patched => $"patched         {result.Pid} ({name}) {detail}",
            FleetOutcome.AlreadyPatched => $"already patched {result.Pid} ({name})",
            FleetOutcome.Exited => $"exited          {result.Pid} ({name})",
            _ => $"not patchable   {result.Pid} ({name}): {detail}",
        };
        console.Out.WriteLine(line);
    }
}
