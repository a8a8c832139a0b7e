namespace Suture.Patching.Engine.Fleet;

/// <summary>The outcome for one process of a fleet-wide apply, with the reason when it failed.</summary>
public sealed record FleetResult(int Pid, string Name, FleetOutcome Outcome, string Detail, ExitCode ExitCode);
