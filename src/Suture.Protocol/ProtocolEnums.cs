using System.Text.Json.Serialization;

namespace Suture.Protocol;

/// <summary>What the server asks a host to do with one object: bring every process that maps it to a level.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DirectiveAction>))]
public enum DirectiveAction
{
    /// <summary>Apply <see cref="ObjectDirective.Patch"/> (a newer level than the processes run).</summary>
    [JsonStringEnumMemberName("apply")]
    Apply,

    /// <summary>Revert down to <see cref="ObjectDirective.Level"/> (0: the original code).</summary>
    [JsonStringEnumMemberName("revert")]
    Revert,
}

/// <summary>What an agent did to one process.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResultAction>))]
public enum ResultAction
{
    [JsonStringEnumMemberName("apply")]
    Apply,

    [JsonStringEnumMemberName("revert")]
    Revert,
}

/// <summary>How an agent's action on one process ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResultOutcome>))]
public enum ResultOutcome
{
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>Refused or failed; the process is unchanged (the message says why).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>A thread kept running the code to replace until the timeout; retried later.</summary>
    [JsonStringEnumMemberName("busy")]
    Busy,

    /// <summary>The process ended before or while the action ran.</summary>
    [JsonStringEnumMemberName("exited")]
    Exited,

    /// <summary>The process died by a fault signal after the action (the agent's safety loop).</summary>
    [JsonStringEnumMemberName("crashed")]
    Crashed,
}
