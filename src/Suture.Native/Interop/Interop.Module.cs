using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const long SYS_init_module = 175;
    internal const long SYS_finit_module = 313;
    internal const long SYS_delete_module = 176;
    internal const int O_NONBLOCK_DELETE = 0x800; // delete_module's O_NONBLOCK: fail at once if the module is in use

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long SyscallFinitModule(long number, int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string parameters, int flags);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long SyscallInitModule(long number, ref byte image, nuint length, [MarshalAs(UnmanagedType.LPUTF8Str)] string parameters);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long SyscallDeleteModule(long number, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, int flags);
}
