namespace Suture.Build.Workspace;

/// <summary>
/// Finds the static archive a <c>-l NAME</c> of a link command means, the way the linker does:
/// in the <c>-L</c> directories in order, <c>libNAME.so</c> wins over <c>libNAME.a</c> unless the
/// link is static; <c>-l:FILE</c> names the file exactly. The linker's default directories are
/// not searched: archives outside the work tree hold none of the build's objects.
/// </summary>
internal static class LibrarySearch
{
    /// <summary>The archive's full path, or null when the name resolves to a shared library or to nothing in the directories.</summary>
    public static string? Archive(string name, IReadOnlyList<string> directories, bool staticOnly)
    {
        foreach (string directory in directories)
        {
            if (name.StartsWith(':'))
            {
                string exact = Path.Combine(directory, name[1..]);
                if (File.Exists(exact))
                {
                    return exact.EndsWith(".a", StringComparison.Ordinal) ? exact : null;
                }

                continue;
            }

            if (!staticOnly && File.Exists(Path.Combine(directory, "lib" + name + ".so")))
            {
                return null;
            }

            string archive = Path.Combine(directory, "lib" + name + ".a");
            if (File.Exists(archive))
            {
                return archive;
            }
        }

        return null;
    }
}
