using System.Globalization;

namespace Suture.Process.Memory;

/// <summary>Parses /proc/PID/maps.</summary>
public static class MemoryMapReader
{
    public static IReadOnlyList<MemoryMapping> Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/maps");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SutureException($"no process with pid {pid}", ExitCode.NoSuchProcess, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SutureException($"permission denied reading the memory map of process {pid}: {Tracing.TraceDenial.Explain(pid)}", ExitCode.PermissionDenied, e);
        }

        return Parse(text);
    }

    public static IReadOnlyList<MemoryMapping> Parse(string text)
    {
        var result = new List<MemoryMapping>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            MemoryMapping? mapping = ParseLine(line);
            if (mapping is not null)
            {
                result.Add(mapping);
            }
        }

        return result;
    }

    /// <summary>Parses <c>start-end perms offset dev inode [path]</c>; null for a malformed line.</summary>
    public static MemoryMapping? ParseLine(string line)
    {
        ReadOnlySpan<char> rest = line;
        if (!NextField(ref rest, out ReadOnlySpan<char> range)
            || !NextField(ref rest, out ReadOnlySpan<char> permissions)
            || !NextField(ref rest, out ReadOnlySpan<char> offset)
            || !NextField(ref rest, out ReadOnlySpan<char> device)
            || !NextField(ref rest, out ReadOnlySpan<char> inode))
        {
            return null;
        }

        int dash = range.IndexOf('-');
        if (dash < 0 || permissions.Length < 4
            || !ulong.TryParse(range[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
            || !ulong.TryParse(range[(dash + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end)
            || !ulong.TryParse(offset, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong fileOffset)
            || !ulong.TryParse(inode, NumberStyles.None, CultureInfo.InvariantCulture, out ulong inodeNumber))
        {
            return null;
        }

        return new MemoryMapping(start, end, permissions.ToString(), fileOffset, device.ToString(), inodeNumber, rest.Trim().ToString());
    }

    private static bool NextField(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> field)
    {
        rest = rest.TrimStart(' ');
        int space = rest.IndexOf(' ');
        if (space <= 0)
        {
            field = rest;
            rest = [];
            return !field.IsEmpty;
        }

        field = rest[..space];
        rest = rest[space..];
        return true;
    }
}
