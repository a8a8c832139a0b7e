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

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid <= 0)
        {
            throw new SutureException($"-p expects a process id{(allowAll ? " or 'all'" : "")}, not '{text}'", ExitCode.Usage);
        }

        // /proc/TID exists for every thread too (unlisted): a thread id would be traced as if it
        // were a process, and the process's other threads would never be stopped.
        int owner = Suture.Process.Tracing.ThreadList.ThreadGroup(pid);
        return owner != 0 && owner != pid
            ? throw new SutureException($"-p {pid} is a thread of process {owner} ({Output.Printable.Text(Suture.Process.Tracing.ThreadList.Name(owner, owner))}), not a process; give -p {owner}", ExitCode.Usage)
            : pid;
    }

    public static Option<bool> Json() => new("--json")
    {
        Description = "Write JSON for machines instead of text",
    };

    /// <summary>The longest --timeout accepted: a day (anything longer is a typo, and would overflow a TimeSpan far above).</summary>
    public const double MaxTimeoutSeconds = 86400;

    public static Option<double> Timeout() => new("--timeout")
    {
        Description = $"Seconds to keep retrying while a thread is busy in code that changes (more than 0, at most {MaxTimeoutSeconds})",
        DefaultValueFactory = _ => Patching.Engine.Operations.OperationOptions.DefaultTimeout.TotalSeconds,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
                && double.IsFinite(seconds) && seconds > 0 && seconds <= MaxTimeoutSeconds)
            {
                return seconds;
            }

            result.AddError($"--timeout expects seconds more than 0 and at most {MaxTimeoutSeconds}, not '{text}'");
            return 0;
        },
    };
}
