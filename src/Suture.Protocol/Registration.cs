namespace Suture.Protocol;

/// <summary><c>POST /api/v1/register</c>: a host asks for an identity with a registration key.</summary>
/// <param name="RegistrationKey">The secret key an operator created for a feed.</param>
/// <param name="Hostname">The host's name, for people (not unique).</param>
/// <param name="MachineId">
/// A stable id of the machine (<c>/etc/machine-id</c>); registering again with the same key and
/// machine id gives the same host a new token instead of a second host.
/// </param>
/// <param name="Tags">Labels for the host, e.g. <c>role=web</c>; at most 32, each at most 64 characters.</param>
/// <param name="AgentVersion">The agent's version, for reports.</param>
public sealed record RegistrationRequest(
    string RegistrationKey,
    string Hostname,
    string? MachineId = null,
    IReadOnlyList<string>? Tags = null,
    string? AgentVersion = null);

/// <param name="HostId">The host's identity on this server.</param>
/// <param name="HostToken">Bearer token for check-ins and downloads; shown only in this answer, stored hashed.</param>
/// <param name="Feed">The feed the key is bound to.</param>
/// <param name="CheckInIntervalSeconds">How often the server expects a check-in (the agent adds jitter).</param>
public sealed record RegistrationResponse(string HostId, string HostToken, string Feed, int CheckInIntervalSeconds);
