namespace Suture.Server.Data.Entities;

/// <summary>A registered machine running the agent, and the inventory of its last check-in.</summary>
internal sealed class ManagedHost
{
    /// <summary>The identity given at registration (32 hex digits).</summary>
    public required string Id { get; set; }

    /// <summary>SHA-256 of the host's bearer token, hex.</summary>
    public required string TokenHash { get; set; }

    public required string Hostname { get; set; }

    public string? MachineId { get; set; }

    public long FeedId { get; set; }

    public Feed Feed { get; set; } = null!;

    public long RegistrationKeyId { get; set; }

    public DateTimeOffset Registered { get; set; }

    public DateTimeOffset? LastCheckIn { get; set; }

    /// <summary>The digest of the inventory stored in <see cref="Objects"/>, or null before the first one.</summary>
    public string? InventoryDigest { get; set; }

    public string? AgentVersion { get; set; }

    public List<HostTag> Tags { get; set; } = [];

    public List<HostObject> Objects { get; set; } = [];
}

internal sealed class HostTag
{
    public required string HostId { get; set; }

    public required string Tag { get; set; }
}

/// <summary>One object a host's processes map (its inventory), with the processes as rows of their own.</summary>
internal sealed class HostObject
{
    public long Id { get; set; }

    public required string HostId { get; set; }

    public required string BuildId { get; set; }

    public required string Path { get; set; }

    public string? Package { get; set; }

    public string? Version { get; set; }

    public List<HostProcess> Processes { get; set; } = [];
}

internal sealed class HostProcess
{
    public long Id { get; set; }

    public long HostObjectId { get; set; }

    public int Pid { get; set; }

    public required string Command { get; set; }

    public int Level { get; set; }

    public string? PatchId { get; set; }
}

/// <summary>A per-process result a host reported, stored once per (host, result id).</summary>
internal sealed class HostResult
{
    public long Id { get; set; }

    public required string HostId { get; set; }

    public Guid ResultId { get; set; }

    public required string PatchSha256 { get; set; }

    public required string BuildId { get; set; }

    public int Pid { get; set; }

    public required string Action { get; set; }

    public required string Outcome { get; set; }

    public string? Message { get; set; }

    public DateTimeOffset At { get; set; }

    public DateTimeOffset Received { get; set; }
}
