using System.Globalization;
using Suture.TestSupport;

namespace Suture.Process.Tests.Unwinding;

/// <summary>
/// Runs <see cref="UnwindTarget"/> so that the traced process is not a child of the test host:
/// .NET's child-process bookkeeping calls waitpid on its children, which would swallow their
/// ptrace stops. Dispose kills both processes.
/// </summary>
internal sealed class TracedTarget : IDisposable
{
    private readonly TempDirectory _directory = new("suture-unwind");
    private readonly RunningProgram _program;

    public TracedTarget(string[] flags, params string[] arguments)
    {
        try
        {
            string path = Gcc.Compile(UnwindTarget.Source, _directory.File("target"), [.. flags, "-pthread"]);
            _program = RunningProgram.Start(path, arguments);
            int pidLine = _program.WaitForLine(l => l.StartsWith("pid ", StringComparison.Ordinal));
            Pid = int.Parse(_program.Lines(pidLine)[0].AsSpan(4), CultureInfo.InvariantCulture);
            _program.WaitForLine(l => l == "ready");
            Thread.Sleep(100); // let the other threads reach their blocking calls
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The traced process (the grandchild).</summary>
    public int Pid { get; }

    public string Path => _directory.File("target");

    public void Dispose()
    {
        if (Pid > 0)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(Pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }

        _program?.Dispose();
        _directory.Dispose();
    }
}
