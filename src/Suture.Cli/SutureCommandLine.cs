using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Suture.Cli.Commands;
using Suture.Cli.Output;

namespace Suture.Cli;

/// <summary>
/// The <c>suture</c> command line over a console: <c>Main</c> runs it on the process's own
/// console, tests on a captured one. A new command is a class with
/// <c>public static Command Create(IConsole console)</c> whose action is
/// <c>CommandRunner.Run(console, result, cancel =&gt; ...)</c> and which writes only through
/// <paramref name="console"/>; add it to <see cref="Create"/>.
/// </summary>
internal static class SutureCommandLine
{
    /// <summary>
    /// The commands by name, in the order help lists them. Each is built only when the command
    /// line names it or when all are needed (help, an unknown or misspelt command): building every
    /// command's options and help texts was most of suture's start-up (docs/performance.md).
    /// </summary>
    private static readonly (string Name, Func<IConsole, Command> Create)[] Commands =
    [
        ("build", BuildCommand.Create),
        ("inspect", InspectCommand.Create),
        ("apply", ApplyCommand.Create),
        ("status", StatusCommand.Create),
        ("revert", RevertCommand.Create),
        ("gc", GcCommand.Create),
        ("key", KeyCommand.Create),
        ("sign", SignCommand.Create),
        ("verify", VerifyCommand.Create),
        ("kernel", KernelCommand.Create),
        ("fleet", Fleet.FleetCommand.Create),
        ("agent", AgentCommand.Create),
    ];

    /// <summary>The names of the top-level commands, in help's order.</summary>
    public static IEnumerable<string> CommandNames => Commands.Select(c => c.Name);

    /// <summary>The whole command line: every command.</summary>
    public static RootCommand Create(IConsole console) => Create(console, null);

    /// <summary>The root with only the command named <paramref name="only"/> (every command when null).</summary>
    public static RootCommand Create(IConsole console, string? only)
    {
        var root = new RootCommand("Suture: live patching for Linux. Builds patches from source fixes and applies them to running processes.");
        root.Options.Add(CommonOptions.Verbose);
        foreach ((string name, Func<IConsole, Command> create) in Commands)
        {
            if (only is null || string.Equals(name, only, StringComparison.Ordinal))
            {
                root.Subcommands.Add(create(console));
            }
        }

        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; the exit code (README's table).</summary>
    public static int Run(string[] args, IConsole console)
    {
        // A line that starts with a command's name parses the same against that command alone,
        // and a lone --version against the root alone ("" names no command).
        string? only = args is ["--version"] ? ""
            : args.Length > 0 && Commands.Any(c => string.Equals(c.Name, args[0], StringComparison.Ordinal)) ? args[0]
            : null;
        ParseResult parsed = Create(console, only).Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is ParseErrorAction)
        {
            return ReportParseErrors(parsed, console);
        }

        // Help and version go to the console too.
        return parsed.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error });
    }

    /// <summary>
    /// A bad command line is exit 2 (README), one line naming every problem and where to look,
    /// instead of System.CommandLine's exit 1 with the whole help text.
    /// </summary>
    private static int ReportParseErrors(ParseResult parsed, IConsole console)
    {
        bool atRoot = parsed.CommandResult == parsed.RootCommandResult;
        string command = CommandPath(parsed.CommandResult);
        List<string> unknown = UnknownOptions(parsed);
        // A group (agent, fleet, kernel, key, fleet report) given a word that is none of its commands.
        Command current = parsed.CommandResult.Command;
        string? word = atRoot ? (parsed.UnmatchedTokens.Count > 0 ? parsed.UnmatchedTokens[0] : null) : parsed.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
        string problems = current.Subcommands.Count > 0 && word is not null
            ? $"unknown command '{word}'; the commands {(atRoot ? "are" : $"of '{command}' are")} {string.Join(", ", current.Subcommands.Select(c => c.Name))}"
            : unknown.Count > 0
                ? string.Join("; ", unknown.Select(o => $"unknown option '{o}'").Concat(parsed.Errors.Where(e => parsed.UnmatchedTokens.All(t => !e.Message.Contains($"'{t}'", StringComparison.Ordinal))).Select(e => e.Message.TrimEnd('.'))))
                : string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')));
        problems = Printable.Text(problems);
        console.Error.WriteLine($"error: {problems} (see '{command} --help')");
        return (int)ExitCode.Usage;
    }

    /// <summary>"suture", or the words that lead to the command ("suture fleet report").</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c && c.Parent is not null; r = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }

        return string.Join(' ', ["suture", .. names]);
    }

    /// <summary>
    /// Words that look like options but are none of the command's: System.CommandLine takes an
    /// unknown <c>--frobnicate</c> for the patch argument and then reports the patch as the
    /// unrecognized word. Only asked once the line has errors; numbers (<c>--timeout -1</c>) are values.
    /// </summary>
    private static List<string> UnknownOptions(ParseResult parsed)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (SymbolResult? at = parsed.CommandResult; at is not null; at = at.Parent)
        {
            if (at is CommandResult { Command: var command })
            {
                foreach (Option option in command.Options)
                {
                    known.Add(option.Name);
                    known.UnionWith(option.Aliases);
                }
            }
        }

        return [.. parsed.Tokens
            .Where(t => t.Type == TokenType.Argument && t.Value.Length > 1 && t.Value[0] == '-' && !known.Contains(t.Value)
                && !double.TryParse(t.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(t => t.Value)
            .Distinct(StringComparer.Ordinal)];
    }
}
