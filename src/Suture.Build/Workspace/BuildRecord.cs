using System.Text;
using Suture.Format;

namespace Suture.Build.Workspace;

/// <summary>
/// The build command field of the patch metadata: the <c>--build</c> command on the first line,
/// then one line per object the patch was built from, with the compile that wrote it in the
/// patched tree: <c>OBJECT: (in DIR) COMPILER ARGS</c>, paths relative to the tree. A real
/// package runs thousands of compiles; only these reproduce the patch's code. Lines that do not
/// fit the format's string limit are counted on a last line instead.
/// </summary>
internal static class BuildRecord
{
    /// <summary>Room kept below the limit for the last line.</summary>
    private const int Reserve = 200;

    public static string Format(string buildCommand, IEnumerable<string> objects, CompilerLog log)
    {
        int limit = new PatchReadLimits().MaxStringLength - Reserve;
        var text = new StringBuilder(Truncate(buildCommand, limit));
        List<string> lines = objects.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(o => log.StepWriting(o) is { } step ? $"{o}: {Describe(step, log.Tree)}" : $"{o}: (compile not logged)")
            .ToList();
        for (int i = 0; i < lines.Count; i++)
        {
            if (Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(lines[i]) + 1 > limit)
            {
                text.Append('\n').Append($"... and {lines.Count - i} more compile command(s), not recorded (the field holds {limit + Reserve} bytes)");
                break;
            }

            text.Append('\n').Append(lines[i]);
        }

        return text.ToString();
    }

    private static string Describe(CompileStep step, string tree)
    {
        string directory = Path.GetRelativePath(tree, step.Run.Directory);
        string command = string.Join(' ', step.Run.Arguments.Select(Quote).Prepend(step.Run.Compiler));
        return directory == "." ? command : $"(in {directory}) {command}";
    }

    /// <summary>An argument as a shell would need it: single-quoted when it has spaces, quotes or other special characters.</summary>
    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_=+./,:@%^".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Truncate(string text, int limit)
    {
        if (Encoding.UTF8.GetByteCount(text) <= limit)
        {
            return text;
        }

        int length = Math.Min(text.Length, limit / 4);
        return text[..length] + " ... (cut to fit)";
    }
}
