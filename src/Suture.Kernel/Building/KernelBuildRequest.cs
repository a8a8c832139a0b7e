namespace Suture.Kernel.Building;

/// <summary>What <c>suture kernel build</c> was asked for.</summary>
/// <param name="Source">The kernel source tree of the running kernel.</param>
/// <param name="Patch">The fix, a unified diff against <paramref name="Source"/> (-p1).</param>
/// <param name="Config">The running kernel's config.</param>
/// <param name="Headers">The running kernel's headers (a kbuild tree with Module.symvers) the module is built against.</param>
/// <param name="Vmlinux">The running kernel's vmlinux (from its -dbg package), for symbol positions and its Build ID; optional.</param>
/// <param name="SymbolMap">A System.map or copy of /proc/kallsyms, for symbol positions when there is no vmlinux; optional.</param>
/// <param name="Output">The module to write (its file name, less .ko, is the module's and the patch's name).</param>
/// <param name="Level">The patch level; above 1 the patch is cumulative (the kernel's atomic replace).</param>
internal sealed record KernelBuildRequest(
    string Source,
    string Patch,
    string Config,
    string Headers,
    string? Vmlinux,
    string? SymbolMap,
    string Output,
    string? Description,
    IReadOnlyList<string> Cves,
    int Level = 1);
