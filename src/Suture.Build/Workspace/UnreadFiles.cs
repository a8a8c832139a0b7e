namespace Suture.Build.Workspace;

/// <summary>
/// Whether the build of the original tree reads the files the fix changes that are not C or C++
/// code (jq's fix also changes <c>tests/jq.test</c>, which only the test suite reads, and the work
/// trees do not run it): their access times are set to a day long past before the build, and a
/// file the build read has a newer one after it (Linux's default <c>relatime</c> updates the access
/// time of a file read when it is older than its modification time). A file the build never read
/// cannot change what it builds, so the patched tree is still built incrementally. Where access
/// times are not kept (<c>noatime</c>; a probe file read before the build says so), nothing is
/// watched and both trees are built in full, as before.
/// </summary>
internal static class UnreadFiles
{
    private static readonly DateTime LongAgo = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// The files to watch in <paramref name="tree"/>'s original: the fix's changed files that are
    /// not code, when they are all it changes besides code and the file system keeps access times;
    /// else none. Their access times are set long past.
    /// </summary>
    public static IReadOnlyList<string> Watch(WorkTree tree)
    {
        if (tree.Fixed.Added.Count > 0 || tree.Fixed.Removed.Count > 0)
        {
            return [];
        }

        List<string> files = tree.Fixed.Changed.Where(f => !IncrementalBuild.IsCode(f)).ToList();
        if (files.Count == 0 || !AccessTimesKept(Path.GetDirectoryName(tree.Original)!))
        {
            return [];
        }

        foreach (string file in files)
        {
            File.SetLastAccessTimeUtc(Path.Combine(tree.Original, file), LongAgo);
        }

        return files;
    }

    /// <summary>The first watched file the build read (its access time is no longer long past), or null.</summary>
    public static string? FirstRead(string tree, IReadOnlyList<string> files) =>
        files.FirstOrDefault(f => !File.Exists(Path.Combine(tree, f)) || File.GetLastAccessTimeUtc(Path.Combine(tree, f)) > LongAgo.AddDays(1));

    /// <summary>Whether reading a file in <paramref name="directory"/> updates its access time there.</summary>
    private static bool AccessTimesKept(string directory)
    {
        string probe = Path.Combine(directory, ".suture-atime-probe");
        try
        {
            File.WriteAllText(probe, "probe\n");
            File.SetLastAccessTimeUtc(probe, LongAgo);
            _ = File.ReadAllText(probe);
            return File.GetLastAccessTimeUtc(probe) > LongAgo.AddDays(1);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
