using System.Diagnostics;
using Suture.Process.Memory;

namespace Suture.Patching.Engine.Operations;

/// <summary>
/// Serialises the suture runs that change one process (apply, revert, gc): an exclusive lock
/// (<c>flock</c>, which .NET takes for <see cref="FileShare.None"/>) on
/// <c>/run/suture/PID.lock</c>, held for the whole run. The kernel drops it when its holder
/// dies, so a killed run never blocks the next one, and whoever holds it knows that any
/// half-done state in the process was left by a run that is gone. Waits up to the operation's
/// timeout, then refuses as busy.
/// </summary>
internal sealed class TargetLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The errno (EWOULDBLOCK, EAGAIN on Linux) that .NET puts in <see cref="Exception.HResult"/>
    /// of the IOException for a lock another run holds; any other error is not "held".
    /// </summary>
    private const int EWouldBlock = 11;
    private readonly FileStream _file;

    private TargetLock(FileStream file)
    {
        _file = file;
    }

    public static string Directory { get; } = System.IO.Directory.Exists("/run") ? "/run/suture" : Path.Combine(Path.GetTempPath(), "suture");

    /// <param name="memory">
    /// The process's memory, opened for writing before the lock is taken: a missing process or
    /// missing permission to trace it is the error to report, not the lock file.
    /// </param>
    public static TargetLock Acquire(ProcessMemory memory, OperationOptions options)
    {
        int pid = memory.Pid;
        string path = Path.Combine(Directory, $"{pid}.lock");
        try
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"cannot create the lock directory {Directory} ({e.Message}); run suture as root", ExitCode.PermissionDenied, e);
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new TargetLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (UnauthorizedAccessException e)
            {
                throw new SutureException($"cannot open the lock file {path} ({e.Message}); run suture as root", ExitCode.PermissionDenied, e);
            }
            catch (IOException e) when (e.HResult != EWouldBlock)
            {
                throw new SutureException($"cannot open or lock the lock file {path} ({e.Message}); check that {Directory} is on a writable local file system", ExitCode.Failure, e);
            }
            catch (IOException) when (clock.Elapsed < options.Timeout && !options.Cancellation.IsCancellationRequested)
            {
                Thread.Sleep(Poll);
            }
            catch (IOException e)
            {
                if (options.Cancellation.IsCancellationRequested)
                {
                    throw new SutureException($"interrupted while waiting for another suture run on process {pid}; nothing was changed", ExitCode.Interrupted, e);
                }

                throw new SutureException(
                    $"another suture run is changing process {pid} (it holds {path}) and did not finish within {options.Timeout.TotalSeconds:0.#} s; nothing was changed; try again, or raise --timeout",
                    ExitCode.Busy,
                    e);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
