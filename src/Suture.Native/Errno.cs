using System.Runtime.InteropServices;

namespace Suture.Native;

/// <summary>Names of errno values for messages.</summary>
internal static class Errno
{
    public const int EPERM = Interop.EPERM;
    public const int ENOENT = Interop.ENOENT;
    public const int ESRCH = Interop.ESRCH;
    public const int EINTR = Interop.EINTR;
    public const int EIO = Interop.EIO;
    public const int EACCES = Interop.EACCES;
    public const int EFAULT = Interop.EFAULT;
    public const int EEXIST = Interop.EEXIST;
    public const int EINVAL = Interop.EINVAL;
    public const int EAGAIN = Interop.EAGAIN;
    public const int ECHILD = Interop.ECHILD;
    public const int ENOBUFS = Interop.ENOBUFS;

    public static string Describe(int errno)
    {
        string name = errno switch
        {
            Interop.EPERM => "EPERM",
            Interop.ENOENT => "ENOENT",
            Interop.ESRCH => "ESRCH",
            Interop.EINTR => "EINTR",
            Interop.EIO => "EIO",
            Interop.ECHILD => "ECHILD",
            Interop.EAGAIN => "EAGAIN",
            Interop.EACCES => "EACCES",
            Interop.EFAULT => "EFAULT",
            Interop.EEXIST => "EEXIST",
            Interop.EINVAL => "EINVAL",
            Interop.EPROTONOSUPPORT => "EPROTONOSUPPORT",
            Interop.EAFNOSUPPORT => "EAFNOSUPPORT",
            Interop.ENOBUFS => "ENOBUFS",
            _ => "errno " + errno,
        };
        return $"{name} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }
}
