using Suture.Elf;
using Suture.Process.Objects;

namespace Suture.Patching.Engine;

/// <summary>
/// The ELF files of a process's loaded objects for one operation, each read at most once through
/// /proc/PID/map_files (so processes in containers are read through their own files). An object
/// whose file cannot be read or parsed gives null.
/// </summary>
public sealed class ObjectFiles
{
    private readonly int _pid;
    private readonly Dictionary<LoadedObject, ElfFile?> _files = [];

    public ObjectFiles(int pid)
    {
        _pid = pid;
    }

    public ElfFile? Get(LoadedObject loaded)
    {
        if (!_files.TryGetValue(loaded, out ElfFile? file))
        {
            ElfFile.TryRead(ReadAll(loaded.OpenPath(_pid)), loaded.Path, out file, out _);
            _files[loaded] = file;
        }

        return file;
    }

    /// <summary>Whether <paramref name="loaded"/> is the C library or the dynamic linker, which define what applications import.</summary>
    public static bool IsSystemRuntime(LoadedObject loaded) =>
        loaded.FileName.StartsWith("libc.so", StringComparison.Ordinal) || loaded.FileName.StartsWith("ld-linux", StringComparison.Ordinal);

    private static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
