namespace Suture.Native;

/// <summary>A system call failed; the message names the call, the subject (pid/tid/address) and errno.</summary>
internal sealed class NativeCallException : SutureException
{
    public NativeCallException(string call, string subject, int errno)
        : base($"{call} on {subject} failed: {Errno.Describe(errno)}", MapExitCode(errno))
    {
        Call = call;
        ErrorNumber = errno;
    }

    public string Call { get; }

    public int ErrorNumber { get; }

    private static ExitCode MapExitCode(int errno) => errno switch
    {
        Interop.EPERM or Interop.EACCES => ExitCode.PermissionDenied,
        Interop.ESRCH => ExitCode.NoSuchProcess,
        _ => ExitCode.Failure,
    };
}
