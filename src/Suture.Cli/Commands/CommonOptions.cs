using System.CommandLine;

namespace Suture.Cli.Commands;

/// <summary>Options shared by several commands, defined once.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show stack traces of failures",
        Recursive = true,
    };

    public static Option<int> Pid() => new("--pid", "-p")
    {
        Description = "Process id of the target",
        Required = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Write JSON for machines instead of text",
    };

    public static Option<double> Timeout() => new("--timeout")
    {
        Description = "Seconds to keep retrying while a thread is busy in code that changes",
        DefaultValueFactory = _ => Patching.Engine.OperationOptions.DefaultTimeout.TotalSeconds,
    };
}
