using System.CommandLine;
using Suture.Cli.Output;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Recovery;
using Suture.Process.Tracing;

namespace Suture.Cli.Commands;

/// <summary>
/// <c>suture gc</c>: repair suture's records after an interrupted run and reclaim what it left in
/// the process (unused patch memory, memfd descriptors). apply and revert do the same first.
/// </summary>
internal static class GcCommand
{
    public static Command Create(IConsole console)
    {
        var pid = new Option<string>("--pid", "-p")
        {
            Description = "Process id, or 'all' for every process that maps suture memory",
            Required = true,
        };
        Option<double> timeout = CommonOptions.Timeout();
        var command = new Command("gc", "Repair suture's records after an interrupted apply or revert and reclaim the memory and descriptors it left in a process")
        {
            pid, timeout,
        };
        command.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            int? target = CommonOptions.ParsePid(result.GetValue(pid)!, allowAll: true);
            var options = new OperationOptions { Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)), Cancellation = cancel };
            using var tracer = new Tracer();
            if (target is int one)
            {
                Print(console, tracer.Run(() => OrphanCollector.Run(one, options)));
                return 0;
            }

            int failed = 0;
            IReadOnlyList<int> candidates = OrphanCollector.Candidates();
            foreach (int candidate in candidates)
            {
                if (cancel.IsCancellationRequested)
                {
                    throw new SutureException("gc -p all interrupted; the processes listed above are done, the others untouched", ExitCode.Interrupted);
                }

                try
                {
                    Print(console, tracer.Run(() => OrphanCollector.Run(candidate, options)));
                }
                catch (SutureException e) when (e.ExitCode != ExitCode.Interrupted)
                {
                    failed += e.ExitCode == ExitCode.NoSuchProcess ? 0 : 1;
                    console.Out.WriteLine($"process {candidate}: {(e.ExitCode == ExitCode.NoSuchProcess ? "exited" : $"not collected: {Printable.Text(e.Message)}")}");
                }
            }

            console.Out.WriteLine($"{candidates.Count} process(es) hold suture memory: {failed} could not be collected");
            return failed > 0 ? (int)ExitCode.PartialFailure : 0;
        }));
        return command;
    }

    private static void Print(IConsole console, GcReport report)
    {
        string name = ThreadList.Name(report.Pid, report.Pid);
        if (!report.DidAnything && report.Kept.Count == 0)
        {
            console.Out.WriteLine($"process {report.Pid} ({Printable.Text(name)}): nothing to collect");
            return;
        }

        console.Out.WriteLine($"process {report.Pid} ({Printable.Text(name)}): {report.Repaired.Count} record(s) repaired, {report.Reclaimed.Count} leftover(s) unmapped, {report.ClosedDescriptors} descriptor(s) closed, {report.Kept.Count} kept");
        foreach (string repaired in report.Repaired)
        {
            console.Out.WriteLine($"  repaired {Printable.Text(repaired)}");
        }

        foreach (string reclaimed in report.Reclaimed)
        {
            console.Out.WriteLine($"  unmapped {Printable.Text(reclaimed)}");
        }

        foreach (string kept in report.Kept)
        {
            console.Out.WriteLine($"  kept: {Printable.Text(kept)}");
        }
    }
}
