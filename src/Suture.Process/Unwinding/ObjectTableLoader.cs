using Suture.Elf;
using Suture.Process.Objects;

namespace Suture.Process.Unwinding;

/// <summary>Loads the unwind table of a mapped object from its file, checking the file is the one mapped.</summary>
internal static class ObjectTableLoader
{
    /// <summary>Tables by Build ID: the same file mapped in many processes (apply -p all) is parsed once.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, EhFrameTable> Cache = new(StringComparer.Ordinal);

    /// <param name="files">Files already read for this operation (see <see cref="StackUnwinder"/>); the file is read here when it gives none.</param>
    public static (EhFrameTable? Table, string? Error) Load(int pid, LoadedObject loaded, Func<LoadedObject, ElfFile?>? files = null)
    {
        if (loaded.BuildId is not null && Cache.TryGetValue(loaded.BuildIdHex, out EhFrameTable? cached))
        {
            return (cached, null);
        }

        ElfFile? shared = files?.Invoke(loaded);
        (EhFrameTable? table, string? error) = shared is null ? LoadFromFile(pid, loaded) : FromFile(shared, loaded);
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

        return file is null ? (null, $"its file cannot be read: {error}") : FromFile(file, loaded);
    }

    private static (EhFrameTable? Table, string? Error) FromFile(ElfFile file, LoadedObject loaded)
    {
        if (loaded.BuildId is not null && file.BuildId is not null && !loaded.BuildId.AsSpan().SequenceEqual(file.BuildId))
        {
            return (null, $"the file on disk has Build ID {Convert.ToHexStringLower(file.BuildId)}, not the mapped object's {loaded.BuildIdHex}");
        }

        EhFrameTable? table = EhFrameTable.Load(file);
        return table is null ? (null, "it has no .eh_frame") : (table, null);
    }
}
