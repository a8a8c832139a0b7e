namespace Suture.Patching.Format;

/// <summary>Reads a patch file from disk, refusing one larger than the limit before reading it whole.</summary>
internal static class PatchFileLoader
{
    public static byte[] ReadAllBytes(string path, long maxFileSize)
    {
        if (Directory.Exists(path))
        {
            throw new SutureException($"{path}: is a directory, not a patch file", ExitCode.Failure);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            return stream.CanSeek ? ReadSeekable(stream, path, maxFileSize) : ReadStreaming(stream, path, maxFileSize);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SutureException($"{path}: no such patch file", ExitCode.Failure, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"{path}: cannot read the patch file: {e.Message}", ExitCode.CorruptPatch, e);
        }
    }

    private static byte[] ReadSeekable(FileStream stream, string path, long maxFileSize)
    {
        long length = stream.Length;
        if (length > maxFileSize)
        {
            throw TooLarge(path, $"the file is {length} bytes", maxFileSize);
        }

        var data = new byte[length];
        stream.ReadExactly(data);
        return data;
    }

    private static byte[] ReadStreaming(FileStream stream, string path, long maxFileSize)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxFileSize)
            {
                throw TooLarge(path, $"the file is more than {maxFileSize} bytes", maxFileSize);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static PatchFormatException TooLarge(string path, string size, long maxFileSize) =>
        new($"{path}: {size}, more than the limit of {maxFileSize} for a patch file; refusing to read it");
}
