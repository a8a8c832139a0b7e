using Suture.Process.Memory;

namespace Suture.Process.Objects;

/// <summary>An ELF object (executable or shared library) mapped into a process.</summary>
/// <param name="Path">Path as /proc/PID/maps shows it (inside the process's mount namespace).</param>
/// <param name="BuildId">GNU Build ID read from the object's note in memory, or null if it has none.</param>
/// <param name="Bias">Load bias: run-time address minus link-time address.</param>
/// <param name="Mappings">The object's mappings, lowest first.</param>
public sealed record LoadedObject(string Path, byte[]? BuildId, ulong Bias, IReadOnlyList<MemoryMapping> Mappings)
{
    public string BuildIdHex => BuildId is null ? "(none)" : Convert.ToHexStringLower(BuildId);

    public string FileName => System.IO.Path.GetFileName(Path.EndsWith(" (deleted)", StringComparison.Ordinal) ? Path[..^10] : Path);

    public ulong Start => Mappings[0].Start;

    public ulong End => Mappings[^1].End;

    /// <summary>A path that opens this object's file from outside the process's mount namespace.</summary>
    public string OpenPath(int pid) => Mappings[0].MapFilesPath(pid);
}
