namespace Suture.Kernel.Building;

/// <summary>What the module says about itself (module info): id, description, CVEs, the target's Build ID when known.</summary>
internal sealed record KernelPatchMetadata(string Id, string Description, IReadOnlyList<string> Cves, string? BuildId);
