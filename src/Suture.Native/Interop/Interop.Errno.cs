namespace Suture.Native;

internal static partial class Interop
{
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int ECHILD = 10;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EFAULT = 14;
    internal const int EEXIST = 17;
    internal const int EINVAL = 22;
    internal const int EPROTONOSUPPORT = 93;
    internal const int EAFNOSUPPORT = 97;
    internal const int ENOBUFS = 105;
}
