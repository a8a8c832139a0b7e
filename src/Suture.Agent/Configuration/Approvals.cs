namespace Suture.Agent.Configuration;

/// <summary>
/// Manual mode's local approvals (<c>STATE/approved.json</c>): patch SHA-256s that
/// <c>suture agent approve ID</c> approved on this host. An operator's decision, so it is kept.
/// </summary>
internal static class Approvals
{
    public const string FileName = "approved.json";

    public static IReadOnlyList<string> Load(string stateDirectory) =>
        AgentFiles.ReadJson(System.IO.Path.Combine(stateDirectory, FileName), AgentJsonContext.Default.ListString, "approvals", "fix it or remove it and approve again") ?? [];

    public static void Add(string stateDirectory, string patchSha256)
    {
        List<string> all = [.. Load(stateDirectory)];
        if (!all.Contains(patchSha256))
        {
            all.Add(patchSha256);
            AgentFiles.WriteJson(System.IO.Path.Combine(stateDirectory, FileName), all, AgentJsonContext.Default.ListString, private_: false);
        }
    }
}
