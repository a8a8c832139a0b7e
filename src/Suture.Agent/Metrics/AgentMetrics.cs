using System.Globalization;
using System.Text;
using Suture.Protocol;

namespace Suture.Agent.Metrics;

/// <summary>
/// The agent's Prometheus metrics in the text exposition format, written to a file for
/// node_exporter's textfile collector (<c>metricsFile</c> in agent.json, docs/agent.md#metrics):
/// per-process results by action and outcome (crashes too), check-ins, the approved, pending and
/// blocked patches. No listening socket: the agent is a root daemon with ptrace rights, and the
/// collector already runs where metrics are scraped. Written whole to a temporary name and
/// renamed (the collector never reads half a file), at most once a second, on the loop's thread.
/// </summary>
internal sealed class AgentMetrics(string? path)
{
    private static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(1);
    private readonly Dictionary<(ResultAction, ResultOutcome), long> _results = [];
    private long _checkIns;
    private long _failedCheckIns;
    private double _lastCheckIn;
    private double _lastSuccess;
    private bool _dirty = true;
    private DateTimeOffset _written = DateTimeOffset.MinValue;

    /// <summary>Something changed that is not written yet: the loop wakes within a second to write it.</summary>
    public bool Unwritten => path is not null && _dirty;

    public void Result(ResultAction action, ResultOutcome outcome)
    {
        _results[(action, outcome)] = _results.GetValueOrDefault((action, outcome)) + 1;
        _dirty = true;
    }

    public void CheckIn(bool succeeded, DateTimeOffset at)
    {
        _checkIns++;
        _lastCheckIn = at.ToUnixTimeMilliseconds() / 1000.0;
        if (succeeded)
        {
            _lastSuccess = _lastCheckIn;
        }
        else
        {
            _failedCheckIns++;
        }

        _dirty = true;
    }

    /// <summary>
    /// Writes the file when something changed and the last write is a second old (or at once with
    /// <paramref name="force"/>); a failure is logged, never thrown: metrics never stop the agent.
    /// </summary>
    public void WriteIfDue(DateTimeOffset now, Func<(int Targets, int Pending, int Blocked)> gauges, Action<string> log, bool force = false)
    {
        if (path is null || !(_dirty || force) || (!force && now - _written < MinimumGap))
        {
            return;
        }

        (int targets, int pending, int blocked) = gauges();
        var text = new StringBuilder();
        Header(text, "suture_agent_results_total", "counter", "Per-process results of the agent's applies and reverts since it started (crashed: died by a fault signal within the watch window, which blocks the patch).");
        foreach (ResultAction action in Enum.GetValues<ResultAction>())
        {
            foreach (ResultOutcome outcome in Enum.GetValues<ResultOutcome>())
            {
                text.Append(CultureInfo.InvariantCulture, $"suture_agent_results_total{{action=\"{Name(action)}\",outcome=\"{Name(outcome)}\"}} {_results.GetValueOrDefault((action, outcome))}\n");
            }
        }

        Value(text, "suture_agent_check_ins_total", "counter", "Check-ins (offline: store reads) since the agent started, failed ones included.", _checkIns);
        Value(text, "suture_agent_check_in_failures_total", "counter", "Check-ins that failed.", _failedCheckIns);
        Value(text, "suture_agent_last_check_in_timestamp_seconds", "gauge", "Unix time of the last check-in, successful or not (0: none yet).", _lastCheckIn);
        Value(text, "suture_agent_last_successful_check_in_timestamp_seconds", "gauge", "Unix time of the last successful check-in (0: none yet).", _lastSuccess);
        Value(text, "suture_agent_approved_patches", "gauge", "Objects with an approved patch the agent keeps applied.", targets);
        Value(text, "suture_agent_pending_patches", "gauge", "Manual mode: verified patches waiting for 'suture agent approve'.", pending);
        Value(text, "suture_agent_blocked_patches", "gauge", "Patches on this host's block list.", blocked);
        try
        {
            AgentFiles.WriteBytes(path, Encoding.UTF8.GetBytes(text.ToString()), private_: false);
            _dirty = false;
        }
        catch (SutureException e)
        {
            log($"warning: metrics not written: {e.Message}");
        }

        _written = now; // tried: the next try a second later, not at every event
    }

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private static void Value(StringBuilder text, string name, string type, string help, double value)
    {
        Header(text, name, type, help);
        text.Append(CultureInfo.InvariantCulture, $"{name} {value.ToString("0.###", CultureInfo.InvariantCulture)}\n");
    }
}
