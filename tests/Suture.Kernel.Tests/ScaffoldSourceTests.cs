using Suture.Kernel.Building;

namespace Suture.Kernel.Tests;

/// <summary>The generated klp_patch: cumulative levels use the kernel's atomic replace; the metadata is readable from sysfs.</summary>
public sealed class ScaffoldSourceTests
{
    private static readonly KlpFunction[] Functions = [new("version_proc_show", 1, "suture_new_version_proc_show")];

    [Fact]
    public void Level_1_stacks_and_a_higher_level_replaces_atomically()
    {
        string first = ScaffoldSource.Generate(Functions, new KernelPatchMetadata("fix", "a fix", [], null, 1));
        string second = ScaffoldSource.Generate(Functions, new KernelPatchMetadata("fix2", "a fix, level 2", ["CVE-2026-0001"], null, 2));

        Assert.DoesNotContain(".replace", first, StringComparison.Ordinal);
        Assert.Contains("\t.replace = true,", second, StringComparison.Ordinal);
        Assert.Contains("static int suture_level = 2;", second, StringComparison.Ordinal);
        Assert.Contains("module_param(suture_level, int, 0444);", second, StringComparison.Ordinal);
        Assert.Contains("static char *suture_cves = \"CVE-2026-0001\";", second, StringComparison.Ordinal);
        Assert.Contains("MODULE_INFO(suture_level, \"2\");", second, StringComparison.Ordinal);
    }
}
