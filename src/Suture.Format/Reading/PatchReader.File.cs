using Microsoft.Win32.SafeHandles;
using Suture.IO;

namespace Suture.Format.Reading;

/// <summary>
/// The bytes of a patch file on disk, refusing one larger than the limit before reading it whole,
/// and anything but a regular file (a FIFO, a device) before reading a byte of it.
/// </summary>
internal static partial class PatchReader
{
    public static byte[] ReadFile(string path, long maxFileSize)
    {
        SafeFileHandle? handle = RegularFile.TryOpenRead(path, out int errno, out string? kind);
        if (kind is not null)
        {
            throw new SutureException($"{path}: is {kind}, not a patch file; give a regular file", ExitCode.Failure);
        }

        if (handle is null)
        {
            throw errno == RegularFile.NoSuchFile
                ? new SutureException($"{path}: no such patch file", ExitCode.Failure)
                : new SutureException($"{path}: cannot read the patch file: {RegularFile.DescribeError(errno)}", ExitCode.CorruptPatch);
        }

        try
        {
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            long length = stream.Length;
            if (length > maxFileSize)
            {
                throw new PatchFormatException(
                    $"{path}: the file is {length} bytes, more than the limit of {maxFileSize} for a patch file; refusing to read it");
            }

            var data = new byte[length];
            stream.ReadExactly(data);
            return data;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"{path}: cannot read the patch file: {e.Message}", ExitCode.CorruptPatch, e);
        }
    }
}
