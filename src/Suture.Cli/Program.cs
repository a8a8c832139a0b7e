namespace Suture.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        using var console = new SystemConsole();
        console.Interruption.Install(); // first: from here on SIGINT/SIGTERM never kill suture while it holds a process
        Process.Tracing.TracingWarnings.Raised += message => console.Error.WriteLine($"warning: {message}");
        return SutureCommandLine.Run(args, console);
    }
}
