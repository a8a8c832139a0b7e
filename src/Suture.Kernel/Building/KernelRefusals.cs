namespace Suture.Kernel.Building;

/// <summary>
/// The differ's refusals said of the kernel: the object is named by its path in the source tree
/// (the differ names it by its source file's base name, <c>proc_sysctl.c</c>), and the remedy the
/// differ gives a program (restart it with the fixed build) is said as the kernel's (boot a kernel
/// with the fix).
/// </summary>
internal static class KernelRefusals
{
    public static string Say(string message, string displayName, string treePath)
    {
        string line = message.StartsWith(displayName + ": ", StringComparison.Ordinal) ? treePath + message[displayName.Length..] : message;
        return line
            .Replace("the running process keeps", "the running kernel keeps", StringComparison.Ordinal)
            .Replace("the running process already initialised it", "the running kernel already initialised it", StringComparison.Ordinal)
            .Replace("restart the program with the fixed build", "boot a kernel built with the fix", StringComparison.Ordinal);
    }
}
