using System.Reflection;
using Suture.Agent.Applying;
using Suture.Agent.Blocking;
using Suture.Agent.Cache;
using Suture.Agent.Configuration;
using Suture.Agent.Inventory;
using Suture.Agent.Metrics;
using Suture.Agent.Server;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Host;
using Suture.Patching.Store;
using Suture.Process.Tracing;
using Suture.Protocol;

namespace Suture.Agent;

/// <summary>
/// The loop's work, all on the loop's thread: check-ins (or store reads), the approved patch of
/// each object (<see cref="_targets"/>), applies to every process mapping an object below it,
/// server-ordered reverts, busy retries with backoff, the safety watch and results for the server.
/// <para>
/// Nothing here survives a restart but what the processes and the cache hold: at start the
/// targets are rebuilt from the levels running processes run whose patch files are in the cache.
/// </para>
/// </summary>
internal sealed class AgentEngine : IDisposable
{
    private const int MaxPendingResults = 10_000;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ApprovalPoll = TimeSpan.FromSeconds(2);

    private readonly AgentLoop _loop;
    private readonly AgentConfig _config;
    private readonly Tracer _tracer = new();
    private readonly ProcessReader _reader = new();
    private readonly PatchVerification _verification;
    private readonly PatchCache _cache;
    private readonly ProcessPatcher _patcher;
    private readonly Dictionary<string, VerifiedPatch> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VerifiedPatch> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Pid, string BuildId), (int Attempt, DateTimeOffset Due)> _retries = [];
    private readonly Dictionary<int, (VerifiedPatch Patch, DateTimeOffset At)> _watched = [];
    private readonly List<ProcessResult> _results = [];
    private readonly Lock _watchLock = new();
    private readonly AgentMetrics _metrics;
    private string? _acceptedDigest;
    private DateTime _approvalsStamp;
    private bool _rebuilt;

    public AgentEngine(AgentLoop loop)
    {
        _loop = loop;
        _config = loop.Config;
        _verification = new PatchVerification(_config.TrustDirectory);
        _cache = new PatchCache(_config.CacheDirectory, _verification);
        _metrics = new AgentMetrics(_config.MetricsFile);
        _patcher = new ProcessPatcher(_tracer, cancel => new OperationOptions
        {
            Timeout = TimeSpan.FromSeconds(_config.ApplyTimeoutSeconds),
            Cancellation = cancel,
        });
    }

    public static string AgentVersion => "suture " + (typeof(AgentEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");

    public IReadOnlyCollection<VerifiedPatch> Targets => _targets.Values;

    public IReadOnlyCollection<VerifiedPatch> Pending => _pending.Values;

    public bool IsWatched(int pid)
    {
        lock (_watchLock)
        {
            return _watched.TryGetValue(pid, out var watch) && _loop.Time.GetUtcNow() - watch.At <= TimeSpan.FromSeconds(_config.WatchWindowSeconds);
        }
    }

    public void RunLoop(CancellationToken stop)
    {
        DateTimeOffset next = _loop.Time.GetUtcNow();
        bool tell = true; // the summary of the first cycle, and of one asked for, is logged even when it did nothing
        while (!stop.IsCancellationRequested)
        {
            HandleExits();
            if (_loop.TakeCheckInRequest())
            {
                _loop.Log("check-in requested (SIGHUP)");
                next = _loop.Time.GetUtcNow();
                tell = true;
            }

            if (_loop.Time.GetUtcNow() >= next)
            {
                try
                {
                    CycleSummary summary = Cycle(force: false, stop);
                    next = _loop.Time.GetUtcNow() + summary.NextIn;
                    _metrics.CheckIn(true, _loop.Time.GetUtcNow());
                    if (tell || summary.Applied + summary.Reverted + summary.Busy + summary.Failed > 0)
                    {
                        _loop.Log($"{summary.Source}: {summary.Directives} directive(s); {summary.Applied} applied, {summary.Reverted} reverted, {summary.Busy} busy, {summary.Failed} failed, {summary.Exited} exited; next in {summary.NextIn.TotalSeconds:0} s");
                    }

                    tell = false;
                }
                catch (SutureException e) when (e.ExitCode != ExitCode.Interrupted && !IsFatal(e))
                {
                    _metrics.CheckIn(false, _loop.Time.GetUtcNow());
                    _loop.Log($"check-in failed: {e.Message}; trying again in {_config.IntervalSeconds / 4} s");
                    new LastCheckIn(_loop.Time.GetUtcNow(), false, e.Message, null, 0, _loop.Time.GetUtcNow().AddSeconds(_config.IntervalSeconds / 4)).Save(_config.StateDirectory);
                    next = _loop.Time.GetUtcNow().AddSeconds(Math.Max(10, _config.IntervalSeconds / 4));
                }
            }

            HandleNewProcesses(stop);
            RetryDue(stop);
            if (ApprovalsChanged())
            {
                ApprovePending();
                Reconcile(_reader.All(), stop);
            }

            TimeSpan wait = next - _loop.Time.GetUtcNow();
            if (NextRetry() is DateTimeOffset retry && retry - _loop.Time.GetUtcNow() < wait)
            {
                wait = retry - _loop.Time.GetUtcNow();
            }

            if (_config.Mode == AgentMode.Manual && wait > ApprovalPoll)
            {
                wait = ApprovalPoll;
            }

            WriteMetrics(force: false);
            if (_metrics.Unwritten && wait > TimeSpan.FromSeconds(1))
            {
                wait = TimeSpan.FromSeconds(1);
            }

            if (!_loop.WaitForWork(wait, stop))
            {
                break;
            }
        }

        WriteMetrics(force: true);
    }

    private void WriteMetrics(bool force) =>
        _metrics.WriteIfDue(_loop.Time.GetUtcNow(), () => (_targets.Count, _pending.Count, _loop.Blocks.Entries.Count), _loop.Log, force);

    /// <summary>One check-in (server modes) or store read (offline), then every process brought to its object's target.</summary>
    public CycleSummary Cycle(bool force, CancellationToken cancel)
    {
        var lines = new List<string>();
        int before = _results.Count;
        RebuildOnce(lines);
        ApprovePending();
        int directives;
        string source;
        TimeSpan nextIn;
        if (_config.Mode == AgentMode.Offline)
        {
            directives = ReadStore(lines);
            source = $"store {_config.StoreDirectory}";
            nextIn = TimeSpan.FromSeconds(_config.StoreRescanSeconds);
        }
        else
        {
            (directives, source, nextIn) = CheckIn(lines, cancel);
        }

        if (!cancel.IsCancellationRequested)
        {
            Reconcile(_reader.All(), cancel, lines);
        }

        // Taken before the results are sent: sending takes them off the list.
        IReadOnlyList<ProcessResult> mine = _results.Count > before ? _results[before..] : [];
        if (_config.Mode != AgentMode.Offline && _results.Count > before)
        {
            // Report this cycle's results now rather than an interval later (best effort).
            try
            {
                SendResultsOnly();
            }
            catch (SutureException e) when (!IsFatal(e))
            {
                lines.Add($"results not sent yet ({e.Message}); they go with the next check-in");
            }
        }

        RefreshHostState();
        if (_config.Mode == AgentMode.Offline)
        {
            _results.Clear(); // no one to send them to; the log has them
        }

        foreach (string line in lines)
        {
            _loop.Log(line);
        }

        return new CycleSummary(source, directives,
            Applied: mine.Count(r => r is { Action: ResultAction.Apply, Outcome: ResultOutcome.Succeeded }),
            Reverted: mine.Count(r => r is { Action: ResultAction.Revert, Outcome: ResultOutcome.Succeeded }),
            Busy: mine.Count(r => r.Outcome == ResultOutcome.Busy),
            Failed: mine.Count(r => r.Outcome == ResultOutcome.Failed),
            Exited: mine.Count(r => r.Outcome == ResultOutcome.Exited),
            NextIn: force ? nextIn : Jitter(nextIn),
            Lines: lines);
    }

    public void Dispose() => _tracer.Dispose();

    private static bool IsFatal(SutureException e) => Patching.Engine.Operations.ExceptionChain.Any(e, inner => inner is ThreadsNotReleasedException);

    private TimeSpan Jitter(TimeSpan interval) =>
        interval + TimeSpan.FromSeconds(_config.JitterSeconds == 0 ? 0 : Random.Shared.Next(0, _config.JitterSeconds + 1));

    /// <summary>After a restart: the levels running processes run whose files are in the cache become the targets again.</summary>
    private void RebuildOnce(List<string> lines)
    {
        if (_rebuilt)
        {
            return;
        }

        _rebuilt = true;
        IReadOnlyList<VerifiedPatch> cached = _cache.All((path, e) => lines.Add($"cached {path} refused: {e.Message}"));
        var byChecksum = cached.ToDictionary(p => p.Document.Sha256, StringComparer.Ordinal);
        foreach (ProcessView view in _reader.All())
        {
            foreach (var active in view.Applied.Where(a => a.IsActive))
            {
                if (byChecksum.TryGetValue(active.PatchSha256, out VerifiedPatch? patch) && !_loop.Blocks.IsBlocked(patch.FileSha256)
                    && (!_targets.TryGetValue(patch.BuildId, out VerifiedPatch? known) || known.Level < patch.Level))
                {
                    _targets[patch.BuildId] = patch;
                }
            }
        }

        foreach (VerifiedPatch patch in _targets.Values)
        {
            lines.Add($"restart: {patch.Id} level {patch.Level} for {patch.ObjectName} ({patch.BuildId}) runs here and is cached: applying it to new processes");
        }
    }

    private int ReadStore(List<string> lines)
    {
        if (!Directory.Exists(_config.StoreDirectory))
        {
            throw new SutureException($"offline store {_config.StoreDirectory} does not exist; create it and put signed patches in it, or set storeDirectory in the agent configuration", ExitCode.Failure);
        }

        PatchStore store = PatchStore.Load(_config.StoreDirectory);
        int count = 0;
        foreach (Format.PatchDocument document in store.Newest)
        {
            VerifiedPatch patch;
            try
            {
                patch = _verification.Verify(document.Bytes.ToArray(), document.Path);
            }
            catch (SutureException e)
            {
                lines.Add($"store patch refused: {e.Message}");
                continue;
            }

            count++;
            Approve(patch, lines, fromStore: true);
        }

        new LastCheckIn(_loop.Time.GetUtcNow(), true, $"read {count} patch(es) from {_config.StoreDirectory}", null, count, _loop.Time.GetUtcNow().AddSeconds(_config.StoreRescanSeconds)).Save(_config.StateDirectory);
        return count;
    }

    /// <summary>Makes a verified patch its object's target, unless blocked, lower than the target, or (manual mode) not approved here.</summary>
    private void Approve(VerifiedPatch patch, List<string> lines, bool fromStore = false)
    {
        if (_loop.Blocks.IsBlocked(patch.FileSha256))
        {
            lines.Add($"{patch.Id} level {patch.Level} ({patch.FileSha256}) is blocked on this host (it crashed a process); not applying it; 'suture agent unblock {patch.Id}' clears it");
            return;
        }

        if (_config.Mode == AgentMode.Manual && !Approvals.Load(_config.StateDirectory).Contains(patch.FileSha256))
        {
            if (_pending.TryAdd(patch.FileSha256, patch))
            {
                lines.Add($"{patch.Id} level {patch.Level} for {patch.ObjectName} verified (signed by {patch.Signer.KeyId} {patch.Signer.Name}); waiting for 'suture agent approve {patch.Id}'");
            }

            return;
        }

        _pending.Remove(patch.FileSha256);
        if (fromStore && _targets.TryGetValue(patch.BuildId, out VerifiedPatch? known) && known.Level >= patch.Level && known.FileSha256 != patch.FileSha256)
        {
            return;
        }

        _targets[patch.BuildId] = patch;
    }

    private bool ApprovalsChanged()
    {
        if (_config.Mode != AgentMode.Manual || _pending.Count == 0)
        {
            return false;
        }

        string path = Path.Combine(_config.StateDirectory, Approvals.FileName);
        DateTime stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (stamp == _approvalsStamp)
        {
            return false;
        }

        _approvalsStamp = stamp;
        return true;
    }

    private void ApprovePending()
    {
        if (_config.Mode != AgentMode.Manual || _pending.Count == 0)
        {
            return;
        }

        IReadOnlyList<string> approved = Approvals.Load(_config.StateDirectory);
        foreach (VerifiedPatch patch in _pending.Values.Where(p => approved.Contains(p.FileSha256)).ToList())
        {
            var lines = new List<string>();
            Approve(patch, lines);
            lines.ForEach(_loop.Log);
            _loop.Log($"{patch.Id} level {patch.Level} approved here: applying it");
        }
    }

    private (int Directives, string Source, TimeSpan NextIn) CheckIn(List<string> lines, CancellationToken cancel)
    {
        AgentIdentity identity = AgentIdentity.Load(_config.StateDirectory)
            ?? throw new SutureException($"this host is not registered (no {AgentIdentity.PathIn(_config.StateDirectory)}); run 'suture agent register --server URL --key KEY [--pin sha256:...]' first, or set mode to offline", ExitCode.Failure);
        using var client = new ServerClient(identity.Server, identity.Pin, identity.HostToken);
        IReadOnlyList<InventoryObject> objects = InventoryOf(_reader.All());
        string digest = InventoryDigest.Compute(objects);
        List<ProcessResult> sent = [.. _results];
        CheckInRequest request = new()
        {
            InventoryDigest = digest,
            Objects = digest == _acceptedDigest ? null : objects,
            Results = sent,
            AgentVersion = AgentVersion,
        };
        CheckInResponse response = client.CheckIn(request);
        if (response.InventoryRequired)
        {
            response = client.CheckIn(request with { Objects = objects });
        }

        _acceptedDigest = digest;
        _results.RemoveAll(sent.Contains);
        DateTimeOffset now = _loop.Time.GetUtcNow();
        lines.Add($"checked in with {identity.Server} (feed {response.Feed}): {objects.Count} object(s), {sent.Count} result(s) sent, {response.Directives.Count} directive(s)");
        foreach (ObjectDirective directive in response.Directives)
        {
            if (cancel.IsCancellationRequested)
            {
                break;
            }

            try
            {
                Direct(client, directive, lines, cancel);
            }
            catch (SutureException e) when (!IsFatal(e) && e.ExitCode != ExitCode.Interrupted)
            {
                lines.Add($"directive {directive.Action} level {directive.Level} for {directive.BuildId} not carried out: {e.Message}");
            }
        }

        TimeSpan nextIn = TimeSpan.FromSeconds(response.NextCheckInSeconds > 0 ? response.NextCheckInSeconds : _config.IntervalSeconds);
        new LastCheckIn(now, true, $"{response.Directives.Count} directive(s)", response.Feed, response.Directives.Count, now + nextIn).Save(_config.StateDirectory);
        return (response.Directives.Count, $"server {identity.Server}", nextIn);
    }

    private void SendResultsOnly()
    {
        AgentIdentity? identity = AgentIdentity.Load(_config.StateDirectory);
        if (identity is null || _acceptedDigest is null)
        {
            return;
        }

        using var client = new ServerClient(identity.Server, identity.Pin, identity.HostToken);
        List<ProcessResult> sent = [.. _results];
        IReadOnlyList<InventoryObject> objects = InventoryOf(_reader.All());
        string digest = InventoryDigest.Compute(objects);
        client.CheckIn(new CheckInRequest { InventoryDigest = digest, Objects = objects, Results = sent, AgentVersion = AgentVersion });
        _acceptedDigest = digest;
        _results.RemoveAll(sent.Contains);
    }

    private VerifiedPatch Fetch(ServerClient client, PatchReference reference)
    {
        VerifiedPatch? cached = _cache.TryGet(reference.Sha256);
        if (cached is not null)
        {
            return cached;
        }

        byte[] bytes = client.Download(reference.Url, reference.Size);
        return _cache.Add(bytes, reference.Sha256, reference.Size, $"{reference.Id} ({reference.Url})");
    }

    private void Direct(ServerClient client, ObjectDirective directive, List<string> lines, CancellationToken cancel)
    {
        VerifiedPatch? patch = directive.Patch is null ? null : Fetch(client, directive.Patch);
        if (patch is not null && patch.BuildId != directive.BuildId)
        {
            throw new SutureException($"the server's patch {patch.Id} targets Build ID {patch.BuildId}, not {directive.BuildId} as its directive says; refusing it", ExitCode.TargetMismatch);
        }

        if (directive.Action == DirectiveAction.Apply)
        {
            if (patch is null)
            {
                throw new SutureException($"the server ordered an apply for {directive.BuildId} without a patch", ExitCode.Failure);
            }

            Approve(patch, lines);
            return;
        }

        // Revert: the server's brake, carried out on every process that maps the object above the level.
        if (patch is null)
        {
            _targets.Remove(directive.BuildId);
        }
        else if (!_loop.Blocks.IsBlocked(patch.FileSha256))
        {
            _targets[directive.BuildId] = patch;
        }

        foreach (string sha in _pending.Values.Where(p => p.BuildId == directive.BuildId && p.Level > directive.Level).Select(p => p.FileSha256).ToList())
        {
            _pending.Remove(sha);
        }

        foreach (ProcessView view in _reader.All().Where(v => v.Maps(directive.BuildId) && v.Level(directive.BuildId) > directive.Level))
        {
            if (cancel.IsCancellationRequested)
            {
                return;
            }

            ProcessPatcher.Outcome outcome = _patcher.RevertTo(_reader, view.Pid, directive.BuildId, directive.Level, patch, cancel);
            Record(outcome, directive.BuildId, patch?.FileSha256 ?? view.Active(directive.BuildId)?.PatchSha256 ?? "", lines);
            _retries.Remove((view.Pid, directive.BuildId));
        }
    }

    /// <summary>Every process that maps an object with a target, below its level, gets it (busy ones are retried later).</summary>
    private void Reconcile(IReadOnlyList<ProcessView> views, CancellationToken cancel, List<string>? lines = null)
    {
        List<string> own = lines ?? [];
        foreach (ProcessView view in views)
        {
            Bring(view, own, retrying: false, cancel);
        }

        if (lines is null)
        {
            own.ForEach(_loop.Log);
        }
    }

    private void Bring(ProcessView view, List<string> lines, bool retrying, CancellationToken cancel)
    {
        foreach (MappedObject mapped in view.Objects)
        {
            if (cancel.IsCancellationRequested || !_targets.TryGetValue(mapped.BuildId, out VerifiedPatch? target) || view.Level(mapped.BuildId) >= target.Level)
            {
                continue;
            }

            if (_loop.Blocks.IsBlocked(target.FileSha256))
            {
                _targets.Remove(mapped.BuildId);
                continue;
            }

            if (!retrying && _retries.TryGetValue((view.Pid, mapped.BuildId), out var retry) && retry.Due > _loop.Time.GetUtcNow())
            {
                continue; // busy earlier: its retry comes at its time
            }

            ProcessPatcher.Outcome outcome = _patcher.Apply(view.Pid, target, cancel);
            if (cancel.IsCancellationRequested && outcome.Code == ExitCode.Interrupted)
            {
                return; // backed out for SIGTERM: the process runs on unchanged, and nothing to report
            }

            Record(outcome, mapped.BuildId, target.FileSha256, lines);
            if (outcome.Result == ResultOutcome.Succeeded)
            {
                _retries.Remove((view.Pid, mapped.BuildId));
                lock (_watchLock)
                {
                    _watched[view.Pid] = (target, _loop.Time.GetUtcNow());
                }
            }
            else if (outcome.IsBusy)
            {
                int attempt = _retries.TryGetValue((view.Pid, mapped.BuildId), out var earlier) ? earlier.Attempt + 1 : 1;
                if (attempt <= _config.BusyRetries)
                {
                    TimeSpan backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, _config.RetryBackoffSeconds * Math.Pow(2, attempt - 1)));
                    _retries[(view.Pid, mapped.BuildId)] = (attempt, _loop.Time.GetUtcNow() + backoff);
                    lines.Add($"process {view.Pid} ({view.Command}) busy; retry {attempt} of {_config.BusyRetries} in {backoff.TotalSeconds:0.#} s");
                }
                else
                {
                    _retries[(view.Pid, mapped.BuildId)] = (attempt, DateTimeOffset.MaxValue);
                    lines.Add($"process {view.Pid} ({view.Command}) stayed busy after {_config.BusyRetries} retries; left unpatched until the next check-in");
                }
            }
            else
            {
                _retries[(view.Pid, mapped.BuildId)] = (int.MaxValue, DateTimeOffset.MaxValue); // not patchable: not tried again until the next check-in
            }
        }
    }

    private void Record(ProcessPatcher.Outcome outcome, string buildId, string sha, List<string> lines)
    {
        lines.Add($"{outcome.Action.ToString().ToLowerInvariant()} {outcome.Result.ToString().ToLowerInvariant()}: process {outcome.Pid} ({outcome.Command}): {outcome.Message}");
        if (_results.Count >= MaxPendingResults)
        {
            _results.RemoveAt(0);
        }

        _results.Add(new ProcessResult(Guid.NewGuid(), sha, buildId, outcome.Pid, outcome.Action, outcome.Result, outcome.Message, _loop.Time.GetUtcNow()));
        _metrics.Result(outcome.Action, outcome.Result);
    }

    private void HandleNewProcesses(CancellationToken cancel)
    {
        var seen = new HashSet<int>();
        while (_loop.TryTakeNewProcess(out int pid))
        {
            if (!seen.Add(pid) || (_targets.Count == 0 && _loop.Blocks.Entries.Count == 0) || cancel.IsCancellationRequested)
            {
                continue;
            }

            if (_reader.Read(pid) is ProcessView view)
            {
                var lines = new List<string>();
                Bring(view, lines, retrying: false, cancel);
                TellBlocked(view, lines);
                lines.ForEach(_loop.Log);
            }
        }
    }

    /// <summary>A new process that maps an object whose patch is blocked here runs the old code: said once, when it starts.</summary>
    private void TellBlocked(ProcessView view, List<string> lines)
    {
        foreach (MappedObject mapped in view.Objects)
        {
            if (_targets.ContainsKey(mapped.BuildId))
            {
                continue;
            }

            foreach (BlockedPatch blocked in _loop.Blocks.Entries.Where(b => b.BuildId == mapped.BuildId).GroupBy(b => b.PatchId).Select(g => g.First()))
            {
                lines.Add($"process {view.Pid} ({view.Command}) maps {mapped.Path} ({mapped.BuildId}), whose patch {blocked.PatchId} is blocked on this host; left unpatched until 'suture agent unblock {blocked.PatchId}'");
            }
        }
    }

    private DateTimeOffset? NextRetry() =>
        _retries.Values.Where(r => r.Due != DateTimeOffset.MaxValue).Select(r => (DateTimeOffset?)r.Due).Min();

    private void RetryDue(CancellationToken cancel)
    {
        DateTimeOffset now = _loop.Time.GetUtcNow();
        var due = _retries.Where(r => r.Value.Due <= now).Select(r => r.Key.Pid).Distinct().ToList();
        if (due.Count == 0)
        {
            return;
        }

        var lines = new List<string>();
        foreach (int pid in due)
        {
            if (_reader.Read(pid) is ProcessView view)
            {
                Bring(view, lines, retrying: true, cancel);
            }
            else
            {
                foreach (var key in _retries.Keys.Where(k => k.Pid == pid).ToList())
                {
                    _retries.Remove(key);
                }
            }
        }

        lines.ForEach(_loop.Log);
        RefreshHostState();
    }

    private void HandleExits()
    {
        while (_loop.TryTakeExit(out var exit))
        {
            (VerifiedPatch Patch, DateTimeOffset At) watch;
            lock (_watchLock)
            {
                if (!_watched.Remove(exit.Pid, out watch))
                {
                    continue;
                }
            }

            foreach (var key in _retries.Keys.Where(k => k.Pid == exit.Pid).ToList())
            {
                _retries.Remove(key);
            }

            if (!AgentLoop.IsFaultSignal(exit.Signal) || exit.At - watch.At > TimeSpan.FromSeconds(_config.WatchWindowSeconds))
            {
                continue;
            }

            VerifiedPatch patch = watch.Patch;
            // The exit can be noticed before the apply that patched the process had returned.
            double after = Math.Max(0, (exit.At - watch.At).TotalSeconds);
            string reason = $"process {exit.Pid} died by signal {exit.Signal}{(exit.CoreDumped ? " (core dumped)" : "")} {after:0.#} s after {patch.Id} level {patch.Level} was applied";
            if (_loop.Blocks.Block(new BlockedPatch(patch.FileSha256, patch.Id, patch.BuildId, exit.Pid, exit.Signal, exit.CoreDumped, exit.At, reason)))
            {
                _loop.Log($"blocked {patch.Id} ({patch.FileSha256}): {reason}; it is not applied on this host again until 'suture agent unblock {patch.Id}'");
            }

            if (_targets.TryGetValue(patch.BuildId, out VerifiedPatch? target) && target.FileSha256 == patch.FileSha256)
            {
                _targets.Remove(patch.BuildId);
            }

            _results.Add(new ProcessResult(Guid.NewGuid(), patch.FileSha256, patch.BuildId, exit.Pid, ResultAction.Apply, ResultOutcome.Crashed, reason, exit.At));
            _metrics.Result(ResultAction.Apply, ResultOutcome.Crashed);
        }

        lock (_watchLock)
        {
            DateTimeOffset now = _loop.Time.GetUtcNow();
            foreach (int pid in _watched.Where(w => now - w.Value.At > TimeSpan.FromSeconds(_config.WatchWindowSeconds)).Select(w => w.Key).ToList())
            {
                _watched.Remove(pid);
            }
        }
    }

    /// <summary>The protocol's inventory: every object running processes map, by Build ID and path, with each process's level.</summary>
    private static List<InventoryObject> InventoryOf(IReadOnlyList<ProcessView> views)
    {
        DpkgDatabase? dpkg = null;
        try
        {
            dpkg = Directory.Exists(DpkgDatabase.DefaultDirectory) ? DpkgDatabase.Load() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SutureException)
        {
            // packages unknown: the inventory goes without them
        }

        var objects = new List<InventoryObject>();
        foreach (var group in views.SelectMany(v => v.Objects.Select(o => (View: v, Object: o))).GroupBy(x => (x.Object.BuildId, x.Object.Path)))
        {
            (string Package, string Version)? owner = dpkg?.Owner(group.Key.Path);
            objects.Add(new InventoryObject(group.Key.BuildId, group.Key.Path, owner?.Package, owner?.Version,
                [.. group.Select(x => new InventoryProcess(x.View.Pid, x.View.Command, x.View.Level(x.Object.BuildId), x.View.Active(x.Object.BuildId)?.PatchId))]));
        }

        return objects;
    }

    private void RefreshHostState()
    {
        try
        {
            HostStateWriter.Write(HostState.Collect());
        }
#pragma warning disable CA1031 // a report: whatever goes wrong, the applies stand
        catch (Exception e)
#pragma warning restore CA1031
        {
            _loop.Log($"warning: host state not updated: {e.Message}");
        }
    }
}
