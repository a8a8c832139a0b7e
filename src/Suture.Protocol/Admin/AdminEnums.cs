using System.Text.Json.Serialization;

namespace Suture.Protocol.Admin;

/// <summary>How patches reach a feed: every uploaded patch at once (after the delay), or only those an operator enables.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApprovalMode>))]
public enum ApprovalMode
{
    [JsonStringEnumMemberName("automatic")]
    Automatic,

    [JsonStringEnumMemberName("manual")]
    Manual,
}

/// <summary>A patch's state in a feed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeedPatchState>))]
public enum FeedPatchState
{
    /// <summary>Offered to the feed's hosts once the feed's delay after approval has passed.</summary>
    [JsonStringEnumMemberName("enabled")]
    Enabled,

    /// <summary>Not offered to hosts that do not run it; hosts that run it keep it.</summary>
    [JsonStringEnumMemberName("disabled")]
    Disabled,

    /// <summary>Not offered, and hosts that run it are told to revert below it.</summary>
    [JsonStringEnumMemberName("undeployed")]
    Undeployed,
}
