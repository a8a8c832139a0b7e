using System.Runtime.InteropServices;

namespace Suture.IO;

/// <summary>
/// The libc calls <see cref="RegularFile"/> needs, and the one close(2) and write(2) (Suture.Native
/// uses them for its socket and eventfd through InternalsVisibleTo). Kept here rather than in Suture.Native
/// (ptrace and the tracer's interop, internal to Suture.Process) so the patch format can open
/// files without the tracing layer; the layout is checked against the C headers in a test.
/// </summary>
internal static partial class Interop
{
    internal const string Libc = "libc.so.6";

    internal const int O_RDONLY = 0;
    internal const int O_WRONLY = 1;
    internal const int O_CREAT = 0x40;
    internal const int O_TRUNC = 0x200;
    internal const int EINTR = 4;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;
    internal const int O_NOCTTY = 0x100;

    internal const int ENOENT = 2;

    /// <summary>x86-64 <c>struct stat</c>: 144 bytes, <c>st_mode</c> (u32) at offset 24.</summary>
    internal const int StatSize = 144;
    internal const int StatModeOffset = 24;

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    internal static unsafe partial int FStat(int fd, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
