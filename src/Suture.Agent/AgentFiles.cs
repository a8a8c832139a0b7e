using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Suture.Agent;

/// <summary>The agent's own files: written whole to a temporary name and renamed, so a kill never leaves half a file.</summary>
internal static class AgentFiles
{
    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> type, bool private_)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        WriteBytes(path, bytes, private_);
    }

    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes, bool private_)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            var options = new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = private_ ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(temporary);
            throw new SutureException($"cannot write {path}: {e.Message}; check that the directory exists and is writable by the agent (it runs as root)", ExitCode.Failure, e);
        }
    }

    /// <summary>Removes what a failed write left; a directory that is missing or no directory leaves nothing to remove.</summary>
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the write's own error is the one to report
        }
    }

    /// <summary>Reads a JSON file of the agent, or null if it does not exist.</summary>
    /// <exception cref="SutureException">It exists but does not parse (exit 1, naming the file and the remedy).</exception>
    public static T? ReadJson<T>(string path, JsonTypeInfo<T> type, string what, string remedy)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type)
                ?? throw new SutureException($"{what} {path} holds null; {remedy}", ExitCode.Failure);
        }
        catch (JsonException e)
        {
            throw new SutureException($"{what} {path} is not valid: {e.Message}; {remedy}", ExitCode.Failure, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"cannot read {what} {path}: {e.Message}; {remedy}", ExitCode.Failure, e);
        }
    }
}
