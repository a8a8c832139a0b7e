namespace Suture.Agent.Configuration;

/// <summary>
/// <c>STATE/last-checkin.json</c>, for <c>status</c>: when the agent last checked in (or read the
/// offline store), with what outcome. A report only: nothing is decided from it.
/// </summary>
internal sealed record LastCheckIn(DateTimeOffset At, bool Succeeded, string Message, string? Feed, int Directives, DateTimeOffset? Next)
{
    public const string FileName = "last-checkin.json";

    public static LastCheckIn? Load(string stateDirectory) =>
        AgentFiles.ReadJson(System.IO.Path.Combine(stateDirectory, FileName), AgentJsonContext.Default.LastCheckIn, "last check-in", "remove it; the next check-in writes it again");

    public void Save(string stateDirectory) => AgentFiles.WriteJson(System.IO.Path.Combine(stateDirectory, FileName), this, AgentJsonContext.Default.LastCheckIn, private_: false);
}
