namespace Suture.Agent.Configuration;

/// <summary>
/// <c>/etc/suture/agent.json</c> (docs/agent.md#configuration): every field optional, the defaults
/// below. <c>--config FILE</c> or <c>SUTURE_AGENT_CONFIG</c> names another file.
/// </summary>
/// <remarks>
/// Settable, not <c>init</c>: System.Text.Json's source generator sets every init-only property
/// when it builds the object, so a field missing from the file would get 0 instead of its default.
/// </remarks>
internal sealed record AgentConfig
{
    public const string DefaultPath = "/etc/suture/agent.json";
    public const string EnvironmentVariable = "SUTURE_AGENT_CONFIG";

    /// <summary>The server's base address (<c>https://fleet.example:8443</c>); <c>register --server</c> overrides and is stored with the identity.</summary>
    public string? Server { get; set; }

    public AgentMode Mode { get; set; } = AgentMode.Auto;

    /// <summary>Check-in interval until the server names one (its <c>nextCheckInSeconds</c> wins); the field uses 1 to 4 hours.</summary>
    public int IntervalSeconds { get; set; } = 3600;

    /// <summary>A random delay of 0 to this many seconds added to every interval, so a fleet started together does not check in together.</summary>
    public int JitterSeconds { get; set; } = 300;

    /// <summary>Offline mode's patch store (docs/patch-store.md): signed patches, the newest level of each object applied.</summary>
    public string StoreDirectory { get; set; } = "/var/lib/suture/store";

    /// <summary>Downloaded, verified patch files, named by their SHA-256.</summary>
    public string CacheDirectory { get; set; } = "/var/cache/suture/agent";

    /// <summary>Identity (host id, token, server pin), local approvals, the block list, the last check-in.</summary>
    public string StateDirectory { get; set; } = "/var/lib/suture/agent";

    /// <summary>Trusted publisher keys; null: <c>SUTURE_TRUST_DIR</c>, else <c>/etc/suture/trusted-keys</c>.</summary>
    public string? TrustDirectory { get; set; }

    /// <summary>How long after patching a process a fault-signal death blocks the patch.</summary>
    public int WatchWindowSeconds { get; set; } = 600;

    /// <summary>Per process and attempt: how long apply/revert wait for a busy process (as <c>--timeout</c>).</summary>
    public double ApplyTimeoutSeconds { get; set; } = 10;

    /// <summary>Attempts for a process that stays busy; the wait between them doubles from <see cref="RetryBackoffSeconds"/>, at most 10 minutes.</summary>
    public int BusyRetries { get; set; } = 5;

    public double RetryBackoffSeconds { get; set; } = 5;

    /// <summary>Offline mode: how often the store directory is read again.</summary>
    public int StoreRescanSeconds { get; set; } = 60;

    /// <summary>Where <c>agent run</c> writes its Prometheus metrics (text format, for node_exporter's textfile collector); null: none.</summary>
    public string? MetricsFile { get; set; }

    /// <summary>Tags sent at registration (<c>role=web</c>).</summary>
    public IReadOnlyList<string> Tags { get; set; } = [];

    /// <summary>Checks the bounds; one message naming each bad field.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Check(IntervalSeconds is >= 10 and <= 7 * 86400, $"intervalSeconds {IntervalSeconds} is not 10 to 604800");
        Check(JitterSeconds is >= 0 and <= 86400, $"jitterSeconds {JitterSeconds} is not 0 to 86400");
        Check(WatchWindowSeconds is >= 0 and <= 7 * 86400, $"watchWindowSeconds {WatchWindowSeconds} is not 0 to 604800");
        Check(ApplyTimeoutSeconds is > 0 and <= 86400, $"applyTimeoutSeconds {ApplyTimeoutSeconds} is not more than 0 and at most 86400");
        Check(BusyRetries is >= 0 and <= 100, $"busyRetries {BusyRetries} is not 0 to 100");
        Check(RetryBackoffSeconds is >= 0 and <= 3600, $"retryBackoffSeconds {RetryBackoffSeconds} is not 0 to 3600");
        Check(StoreRescanSeconds is >= 1 and <= 86400, $"storeRescanSeconds {StoreRescanSeconds} is not 1 to 86400");
        Check(!string.IsNullOrWhiteSpace(CacheDirectory), "cacheDirectory is empty");
        Check(!string.IsNullOrWhiteSpace(StateDirectory), "stateDirectory is empty");
        Check(MetricsFile is null || (MetricsFile.EndsWith(".prom", StringComparison.Ordinal) && Path.IsPathFullyQualified(MetricsFile)), $"metricsFile {MetricsFile} is not an absolute path ending in .prom (the textfile collector reads only those)");
        return problems;

        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }
    }
}
