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

    public static Option<string> Pid(bool allowAll) => new("--pid", "-p")
    {
        Description = allowAll ? "Process id of the target, or 'all' for every process that maps the patched object" : "Process id of the target",
        Required = true,
    };

    /// <summary>The pid given with -p, or null for 'all'.</summary>
    public static int? ParsePid(string text, bool allowAll)
    {
        if (allowAll && text == "all")
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0
            ? pid
            : throw new SutureException($"-p expects a process id{(allowAll ? " or 'all'" : "")}, not '{text}'", ExitCode.Usage);
    }

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
