namespace Suture.Server.Data.Entities;

/// <summary>A secret that lets hosts register into one feed; stored as its SHA-256 only.</summary>
internal sealed class RegistrationKey
{
    public long Id { get; set; }

    /// <summary>SHA-256 of the key, hex.</summary>
    public required string KeyHash { get; set; }

    /// <summary>The key's first characters, to tell keys apart in lists and the audit log.</summary>
    public required string Prefix { get; set; }

    public long FeedId { get; set; }

    public Feed Feed { get; set; } = null!;

    public string Description { get; set; } = "";

    public int? HostLimit { get; set; }

    /// <summary>Hosts registered with it; raised with a conditional update so the limit holds under concurrency.</summary>
    public int HostCount { get; set; }

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset? Revoked { get; set; }
}
