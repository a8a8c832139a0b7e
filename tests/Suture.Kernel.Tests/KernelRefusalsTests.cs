using Suture.Kernel.Building;

namespace Suture.Kernel.Tests;

/// <summary>The differ's refusals, said of the kernel: the file by its path in the tree, the kernel's remedy.</summary>
public sealed class KernelRefusalsTests
{
    [Fact]
    public void A_size_change_names_the_tree_path_and_the_kernel_remedy()
    {
        string said = KernelRefusals.Say(
            "proc_sysctl.c: root_table: the size of an existing variable changes (128 -> 192 bytes); the running process keeps the old layout (keep the variable as it is and put new state in a new variable, or restart the program with the fixed build)",
            "proc_sysctl.c",
            "fs/proc/proc_sysctl.c");

        Assert.Equal("fs/proc/proc_sysctl.c: root_table: the size of an existing variable changes (128 -> 192 bytes); the running kernel keeps the old layout (keep the variable as it is and put new state in a new variable, or boot a kernel built with the fix)", said);
    }

    [Fact]
    public void A_message_about_another_file_keeps_its_name()
    {
        Assert.Equal("other.c: x: the initial value of an existing variable changes; the running kernel already initialised it",
            KernelRefusals.Say("other.c: x: the initial value of an existing variable changes; the running process already initialised it", "proc_sysctl.c", "fs/proc/proc_sysctl.c"));
    }
}
