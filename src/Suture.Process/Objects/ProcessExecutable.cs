namespace Suture.Process.Objects;

/// <summary>The path of a process's main program, as its mappings name it.</summary>
public static class ProcessExecutable
{
    /// <summary>The target of <c>/proc/PID/exe</c>, or null when it cannot be read (process gone, no permission).</summary>
    public static string? Path(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
