using System.Globalization;
using System.Text.RegularExpressions;

namespace Suture.Build.Diff;

/// <summary>
/// Where the fix moves the lines of each file it changes, from its unified diff: a line the fix
/// keeps has a new number (shifted by the lines added and removed above it); a removed line has
/// none. Files are named by their base name, the way an object names its source file.
/// </summary>
internal sealed partial class LineMap
{
    private readonly Dictionary<string, List<Hunk>> _hunks = new(StringComparer.Ordinal);

    public static LineMap Empty { get; } = new();

    /// <summary>The base names of the files the diff changes.</summary>
    public IEnumerable<string> Files => _hunks.Keys;

    public static LineMap Read(string diffPath)
    {
        var map = new LineMap();
        List<Hunk>? file = null;
        Hunk? hunk = null;
        foreach (string line in File.ReadLines(diffPath))
        {
            if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                string path = line[4..].Split('\t')[0].Trim();
                string name = Path.GetFileName(path);
                file = name.Length == 0 || path == "/dev/null" ? null : map._hunks.TryGetValue(name, out List<Hunk>? list) ? list : map._hunks[name] = [];
                hunk = null;
            }
            else if (file is not null && HunkHeader().Match(line) is { Success: true } header)
            {
                hunk = new Hunk(Number(header.Groups[1]), header.Groups[2].Success ? Number(header.Groups[2]) : 1, Number(header.Groups[3]), header.Groups[4].Success ? Number(header.Groups[4]) : 1);
                file.Add(hunk);
            }
            else if (hunk is not null && line.Length > 0 && line[0] is ' ' or '-' or '+')
            {
                hunk.Body.Add(line[0]);
            }
        }

        return map;
    }

    /// <summary>The number line <paramref name="oldLine"/> of <paramref name="file"/> has after the fix; null when the fix removes it or does not change the file.</summary>
    public int? NewLine(string file, long oldLine)
    {
        if (!_hunks.TryGetValue(file, out List<Hunk>? hunks) || oldLine <= 0 || oldLine > int.MaxValue)
        {
            return null;
        }

        int line = (int)oldLine, shift = 0;
        foreach (Hunk hunk in hunks)
        {
            // A hunk that only adds lines (no old lines) inserts after its old start line.
            int start = hunk.OldCount == 0 ? hunk.OldStart + 1 : hunk.OldStart;
            if (line < start)
            {
                return line + shift;
            }

            if (line < start + hunk.OldCount)
            {
                int old = hunk.OldStart, @new = hunk.NewStart;
                foreach (char kind in hunk.Body)
                {
                    if (kind == '+')
                    {
                        @new++;
                        continue;
                    }

                    if (old == line)
                    {
                        return kind == ' ' ? @new : null;
                    }

                    old++;
                    @new += kind == ' ' ? 1 : 0;
                }

                return null;
            }

            int newStart = hunk.NewCount == 0 ? hunk.NewStart + 1 : hunk.NewStart;
            shift = newStart + hunk.NewCount - (start + hunk.OldCount);
        }

        return line + shift;
    }

    private static int Number(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")]
    private static partial Regex HunkHeader();

    private sealed record Hunk(int OldStart, int OldCount, int NewStart, int NewCount)
    {
        public List<char> Body { get; } = [];
    }
}
