namespace Suture.TestSupport;

/// <summary>Small helpers for test file paths.</summary>
public static class PathExtensions
{
    /// <summary>Creates the directory that will hold <paramref name="path"/>; returns the path.</summary>
    public static string EnsureDirectory(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
