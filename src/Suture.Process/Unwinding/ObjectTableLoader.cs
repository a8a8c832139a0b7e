using Suture.Elf;
using Suture.Process.Objects;

namespace Suture.Process.Unwinding;

/// <summary>Loads the unwind table of a mapped object from its file, checking the file is the one mapped.</summary>
internal static class ObjectTableLoader
{
    /// <summary>Tables by Build ID: the same file mapped in many processes (apply -p all) is parsed once.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, EhFrameTable> Cache = new(StringComparer.Ordinal);

    public static (EhFrameTable? Table, string? Error) Load(int pid, LoadedObject loaded)
    {
        if (loaded.BuildId is not null && Cache.TryGetValue(loaded.BuildIdHex, out EhFrameTable? cached))
        {
            return (cached, null);
        }

        (EhFrameTable? table, string? error) = LoadFromFile(pid, loaded);
        if (table is not null && loaded.BuildId is not null)
        {
            Cache.TryAdd(loaded.BuildIdHex, table);
        }

        return (table, error);
    }

    private static (EhFrameTable? Table, string? Error) LoadFromFile(int pid, LoadedObject loaded)
    {
        ElfFile? file = null;
        string? error = null;
        foreach (string path in new[] { loaded.OpenPath(pid), loaded.Path })
        {
            try
            {
                file = ElfFile.Load(path);
                break;
            }
            catch (ElfFormatException e)
            {
                return (null, $"its file is not a valid ELF file: {e.Message}");
            }
            catch (SutureException e)
            {
                error ??= e.Message;
            }
        }

        if (file is null)
        {
            return (null, $"its file cannot be read: {error}");
        }

        if (loaded.BuildId is not null && file.BuildId is not null && !loaded.BuildId.AsSpan().SequenceEqual(file.BuildId))
        {
            return (null, $"the file on disk has Build ID {Convert.ToHexStringLower(file.BuildId)}, not the mapped object's {loaded.BuildIdHex}");
        }

        EhFrameTable? table = EhFrameTable.Load(file);
        return table is null ? (null, "it has no .eh_frame") : (table, null);
    }
}
