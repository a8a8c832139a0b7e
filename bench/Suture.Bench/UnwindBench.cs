using System.Globalization;
using System.Text.Json.Nodes;

namespace Suture.Bench;

/// <summary>
/// The stack check's unwind cost per thread with the tables loaded once (capture + unwind, and
/// unwind alone), measured by Suture.Bench.Unwind in its own process against the frozen target
/// with its threads asleep. This figure used to be asserted by LiveUnwindTests; it is measured here.
/// </summary>
internal static class UnwindBench
{
    public const int Threads = 16;
    public const int Rounds = 20000;

    /// <summary>The bound LiveUnwindTests asserted, now the goal this figure is reported against.</summary>
    private const double GoalMicroseconds = 1000;

    public static void Run(Workspace ws, string tool, Report report)
    {
        Console.Error.WriteLine($"bench: unwind, {Threads} threads, {Rounds} rounds");
        string count = Threads.ToString(CultureInfo.InvariantCulture);
        using ControlBlock shm = ControlBlock.Create("unwind");
        using Target target = Target.Start(ws.Exe("frozen"), shm.FilePath, count, "quiet");
        shm.WaitReady(target);
        CmdResult measured = Cmd.Run("dotnet", [tool, target.Pid.ToString(CultureInfo.InvariantCulture), Rounds.ToString(CultureInfo.InvariantCulture)], ws.Dir).Check();
        JsonObject figures = JsonNode.Parse(measured.Stdout.Trim())?.AsObject() ?? throw new BenchException($"unwind: no figures in '{measured.Stdout.Trim()}'");
        double perThread = figures["per_thread_us"]!.GetValue<double>();
        double unwindOnly = figures["unwind_only_per_thread_us"]!.GetValue<double>();
        report.Results["unwind"] = figures;
        report.Add(new Row(
            "unwind per thread, tables loaded",
            $"{figures["threads"]} threads, {Rounds} rounds, {figures["frames_mean"]} frames",
            $"{Report.Num(perThread, 2)} us",
            $"{Report.Num(unwindOnly, 2)} us unwind only",
            $"first pass {Report.Num(figures["first_pass_us"]!.GetValue<double>(), 0)} us, {figures["tables_loaded"]} tables",
            $"< {GoalMicroseconds:0} us",
            Report.AtMost(perThread, GoalMicroseconds)));
    }
}
