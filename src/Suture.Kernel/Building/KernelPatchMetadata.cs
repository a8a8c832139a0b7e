namespace Suture.Kernel.Building;

/// <summary>
/// What the module says about itself (module info, and read-only module parameters in
/// <c>/sys/module/NAME/parameters</c> once loaded): id, description, CVEs, level (a level above 1
/// is cumulative and replaces every loaded livepatch atomically), the target's Build ID when known.
/// </summary>
internal sealed record KernelPatchMetadata(string Id, string Description, IReadOnlyList<string> Cves, string? BuildId, int Level = 1)
{
    /// <summary>Whether the patch is cumulative: the kernel's atomic replace (<c>klp_patch.replace</c>).</summary>
    public bool Replace => Level > 1;
}
