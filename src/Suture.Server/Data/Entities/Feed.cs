using Suture.Protocol.Admin;

namespace Suture.Server.Data.Entities;

/// <summary>A group of hosts that receive the same patches, with its approval mode and delay.</summary>
internal sealed class Feed
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public ApprovalMode ApprovalMode { get; set; }

    /// <summary>Time from approval to deployment, in seconds.</summary>
    public long DelaySeconds { get; set; }

    public DateTimeOffset Created { get; set; }

    /// <summary>
    /// The earlier tier this feed is promoted from (test for staging, staging for production); null
    /// for a first tier. docs/protocol.md#feed-tiers-and-promotion.
    /// </summary>
    public long? PromotesFromId { get; set; }
}
