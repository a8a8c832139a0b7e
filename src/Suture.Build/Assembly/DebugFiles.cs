namespace Suture.Build.Assembly;

/// <summary>
/// Separate debug files of stripped binaries, where distributions install them (Debian's
/// <c>-dbgsym</c> packages, Fedora's <c>-debuginfo</c>): <c>DIR/.build-id/xx/yyyy.debug</c>, named
/// by the binary's Build ID (first byte, then the rest), under <c>/usr/lib/debug</c> or the
/// directories in <c>SUTURE_DEBUG_DIRS</c> (colon-separated, searched first).
/// </summary>
internal static class DebugFiles
{
    private const string SystemDirectory = "/usr/lib/debug";

    /// <summary>The debug file of the binary with Build ID <paramref name="buildIdHex"/>, null when none is installed.</summary>
    public static string? Find(string buildIdHex)
    {
        if (buildIdHex.Length < 4)
        {
            return null;
        }

        foreach (string directory in Directories())
        {
            string candidate = Path.Combine(directory, ".build-id", buildIdHex[..2], buildIdHex[2..] + ".debug");
            if (File.Exists(candidate) && Elf.ElfFile.ReadBuildId(candidate) is { } id && Convert.ToHexStringLower(id) == buildIdHex)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Where <see cref="Find"/> looks, for messages.</summary>
    public static string Where(string buildIdHex) =>
        string.Join(" or ", Directories().Select(d => Path.Combine(d, ".build-id", buildIdHex[..2], buildIdHex[2..] + ".debug")));

    private static IEnumerable<string> Directories() =>
        (Environment.GetEnvironmentVariable("SUTURE_DEBUG_DIRS") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append(SystemDirectory);
}
