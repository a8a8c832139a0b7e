namespace Suture.Process.Tracing;

/// <summary>The kinds of failure of a system call run in a target that callers tell apart.</summary>
public enum RemoteError
{
    None,

    /// <summary>EEXIST: something is already there (e.g. mmap with MAP_FIXED_NOREPLACE).</summary>
    Exists,

    /// <summary>EPERM or EACCES: a policy (seccomp, SELinux, permissions) refused the call.</summary>
    Denied,

    Other,
}
