using Suture.Elf;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Symbols;

/// <summary>
/// The ELF files of a process's loaded objects for one operation, each read at most once through
/// /proc/PID/map_files (so processes in containers are read through their own files). An object
/// whose file cannot be read or parsed gives null. Files are also shared by Build ID across the
/// operations of one suture run (<c>apply -p all</c> reads the C library once, not once per
/// process); a file is shared only when its own Build ID is the one the process mapped.
/// </summary>
internal sealed class ObjectFiles
{
    /// <summary>Bound on the files kept for the whole run (the objects many processes share come first).</summary>
    private const int MaxShared = 256;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ElfFile> Shared = new(StringComparer.Ordinal);

    private readonly int _pid;
    private readonly Dictionary<LoadedObject, ElfFile?> _files = [];

    public ObjectFiles(int pid)
    {
        _pid = pid;
    }

    public ElfFile? Get(LoadedObject loaded)
    {
        if (_files.TryGetValue(loaded, out ElfFile? file))
        {
            return file;
        }

        if (loaded.BuildId is not null && Shared.TryGetValue(loaded.BuildIdHex, out file))
        {
            return _files[loaded] = file;
        }

        ElfFile.TryRead(ReadAll(loaded.OpenPath(_pid)), loaded.Path, out file, out _);
        if (file is not null && loaded.BuildId is not null && file.BuildId is not null
            && loaded.BuildId.AsSpan().SequenceEqual(file.BuildId) && Shared.Count < MaxShared)
        {
            Shared.TryAdd(loaded.BuildIdHex, file);
        }

        return _files[loaded] = file;
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
