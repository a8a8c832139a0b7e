using Suture.Build.Assembly;
using Suture.Elf;

namespace Suture.Build.Workspace;

/// <summary>
/// Matches a linked output of the build to the <c>--target</c> it is deployed as: by identical
/// file name; else by the output's DT_SONAME (<c>-Wl,-soname,libfoo.so.1</c>) being the
/// target's file name or DT_SONAME, or the target's DT_SONAME being the output's file name;
/// else by the same library name up to <c>.so</c> (<c>libfoo.so</c> and <c>libfoo.so.1.2.3</c>).
/// A rule that matches several targets is an error naming them.
/// </summary>
internal static class OutputMatch
{
    /// <summary>The target <paramref name="output"/> (relative, built at <paramref name="builtPath"/>) is deployed as; null when none matches.</summary>
    public static TargetBinary? Find(IReadOnlyList<TargetBinary> targets, string output, string builtPath, Action<string> progress)
    {
        string name = Path.GetFileName(output);
        TargetBinary? exact = targets.FirstOrDefault(t => t.Name == name);
        if (exact is not null)
        {
            return exact;
        }

        string? soname = ReadSoname(builtPath);
        List<TargetBinary> bySoname = targets.Where(t => (soname is not null && (t.Name == soname || t.File.Soname == soname)) || t.File.Soname == name).ToList();
        string how = $"DT_SONAME {soname ?? name}";
        if (bySoname.Count == 0 && LibraryStem(name) is { } stem)
        {
            bySoname = targets.Where(t => LibraryStem(t.Name) == stem).ToList();
            how = $"library name {stem}.so";
        }

        if (bySoname.Count > 1)
        {
            throw new SutureException(
                $"the build's {output} matches several --targets by {how}: {string.Join(", ", bySoname.Select(t => t.Path))}; give only the one the running processes load",
                ExitCode.Usage);
        }

        if (bySoname.Count == 1)
        {
            progress($"{output} is --target {bySoname[0].Name} (same {how})");
        }

        return bySoname.FirstOrDefault();
    }

    /// <summary><c>libfoo</c> for <c>libfoo.so</c> and <c>libfoo.so.1.2.3</c>; null for a name that is not a versioned shared library name.</summary>
    public static string? LibraryStem(string fileName)
    {
        int at = fileName.IndexOf(".so", StringComparison.Ordinal);
        while (at > 0)
        {
            string rest = fileName[(at + 3)..];
            if (rest.Length == 0 || (rest[0] == '.' && rest[1..].Split('.').All(p => p.Length > 0 && p.All(char.IsAsciiDigit))))
            {
                return fileName[..at];
            }

            at = fileName.IndexOf(".so", at + 1, StringComparison.Ordinal);
        }

        return null;
    }

    private static string? ReadSoname(string path)
    {
        try
        {
            return File.Exists(path) ? ElfFile.Load(path).Soname : null;
        }
        catch (SutureException)
        {
            return null;
        }
    }
}
