namespace Suture.Process.Tracing;

/// <summary>x86-64 system call numbers and flags used inside targets.</summary>
public static class SyscallNumbers
{
    public const long Close = 3;
    public const long Mmap = 9;
    public const long Mprotect = 10;
    public const long Munmap = 11;
    public const long Ftruncate = 77;
    public const long MemfdCreate = 319;

    public const ulong ProtRead = 1;
    public const ulong ProtWrite = 2;
    public const ulong ProtExec = 4;

    public const ulong MapShared = 0x01;
    public const ulong MapPrivate = 0x02;
    public const ulong MapFixed = 0x10;
    public const ulong MapAnonymous = 0x20;
    public const ulong MapFixedNoReplace = 0x100000;

    public const ulong MfdCloexec = 1;
}
