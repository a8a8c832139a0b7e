namespace Suture.Cli;

/// <summary>The process's own console, with SIGINT and SIGTERM caught (<see cref="Interruption.Install"/>).</summary>
internal sealed class SystemConsole : IConsole, IDisposable
{
    public SystemConsole()
    {
        Interruption = new Interruption(Console.Error, Environment.Exit);
    }

    public TextWriter Out => Console.Out;

    public TextWriter Error => Console.Error;

    public Interruption Interruption { get; }

    public Stream OpenStandardOutput()
    {
        Console.Out.Flush();
        return Console.OpenStandardOutput();
    }

    public void Dispose() => Interruption.Dispose();
}
