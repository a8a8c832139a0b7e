namespace Suture.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        using var console = new SystemConsole();
        console.Interruption.Install(); // first: from here on SIGINT/SIGTERM never kill suture while it holds a process
        if (EarlySignals.Received() is string early)
        {
            console.Interruption.Deliver(early); // it came during the runtime's start-up: nothing was touched
        }

        Process.Tracing.TracingWarnings.Raised += message => console.Error.WriteLine($"warning: {message}");
        return SutureCommandLine.Run(args, console);
    }
}
