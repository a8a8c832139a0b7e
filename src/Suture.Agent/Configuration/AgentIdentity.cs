namespace Suture.Agent.Configuration;

/// <summary>
/// What <c>suture agent register</c> stores in <c>STATE/identity.json</c> (mode 0600: the token
/// acts as this host): the server, its certificate pin, the host's id and token, its feed.
/// </summary>
internal sealed record AgentIdentity(string Server, string? Pin, string HostId, string HostToken, string Feed, DateTimeOffset RegisteredAt)
{
    public const string FileName = "identity.json";

    public static string PathIn(string stateDirectory) => System.IO.Path.Combine(stateDirectory, FileName);

    public static AgentIdentity? Load(string stateDirectory) =>
        AgentFiles.ReadJson(PathIn(stateDirectory), AgentJsonContext.Default.AgentIdentity, "agent identity", "register again with 'suture agent register --server URL --key KEY'");

    public void Save(string stateDirectory) => AgentFiles.WriteJson(PathIn(stateDirectory), this, AgentJsonContext.Default.AgentIdentity, private_: true);
}
