namespace Suture.Server.Data.Entities;

/// <summary>One audit log entry; entries are only ever added, each hashing the one before (Audit/AuditChain).</summary>
internal sealed class AuditEntry
{
    /// <summary>1, 2, 3, ... without gaps; assigned by the writer, so two writers cannot both append entry N.</summary>
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Subject { get; set; }

    public required string Details { get; set; }

    public string? Remote { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}
