using Microsoft.Win32.SafeHandles;
using Suture.Native;

namespace Suture.Format;

/// <summary>
/// Reads a patch file from disk, refusing one larger than the limit before reading it whole, and
/// anything but a regular file (a FIFO, a device) before reading a byte of it.
/// </summary>
internal static class PatchFileLoader
{
    public static byte[] ReadAllBytes(string path, long maxFileSize)
    {
        SafeFileHandle? handle = RegularFile.TryOpenRead(path, out int errno, out string? kind);
        if (kind is not null)
        {
            throw new SutureException($"{path}: is {kind}, not a patch file; give a regular file", ExitCode.Failure);
        }

        if (handle is null)
        {
            throw errno == Errno.ENOENT
                ? new SutureException($"{path}: no such patch file", ExitCode.Failure)
                : new SutureException($"{path}: cannot read the patch file: {Errno.Describe(errno)}", ExitCode.CorruptPatch);
        }

        try
        {
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            return ReadSeekable(stream, path, maxFileSize);
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

    private static PatchFormatException TooLarge(string path, string size, long maxFileSize) =>
        new($"{path}: {size}, more than the limit of {maxFileSize} for a patch file; refusing to read it");
}
