using System.Text.RegularExpressions;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// Runs suture under strace to find, and then to fault, one exact system call (strace's
/// <c>inject=SYSCALL:...:when=N</c> counts calls of that system call from 1).
/// </summary>
internal static partial class Strace
{
    /// <summary>Runs suture under strace logging <paramref name="syscall"/>; returns the result and each logged call, in order.</summary>
    public static (ToolResult Result, IReadOnlyList<string> Calls) Trace(string syscall, params string[] arguments) => Logged(syscall, [], arguments);

    /// <summary>
    /// Runs suture with <paramref name="inject"/> while logging <paramref name="syscall"/>; returns
    /// the result and how many calls of it suture entered (the faulted one included).
    /// </summary>
    public static (ToolResult Result, int Entered) TraceInjecting(string syscall, string inject, params string[] arguments)
    {
        (ToolResult result, IReadOnlyList<string> calls) = Logged(syscall, ["-e", $"inject={inject}"], arguments);
        return (result, calls.Count);
    }

    private static (ToolResult Result, IReadOnlyList<string> Calls) Logged(string syscall, string[] options, string[] arguments)
    {
        using var directory = new TempDirectory("suture-strace");
        string log = directory.File("log");
        ToolResult result = Tool.Run("strace", ["-f", "-qq", "-o", log, "-e", $"trace={syscall}", .. options, SutureCli.Path, .. arguments], timeout: TimeSpan.FromMinutes(3));
        var calls = File.ReadLines(log).Where(l => l.Contains(syscall + "(", StringComparison.Ordinal)).ToList();
        return (result, calls);
    }

    /// <summary>The 1-based number of the last call in <paramref name="calls"/> that matches <paramref name="match"/>.</summary>
    public static int LastNumber(IReadOnlyList<string> calls, Func<string, bool> match)
    {
        for (int i = calls.Count - 1; i >= 0; i--)
        {
            if (match(calls[i]))
            {
                return i + 1;
            }
        }

        throw new InvalidOperationException($"no matching call among:\n{string.Join('\n', calls)}");
    }

    /// <summary>The 1-based number of the first call that matches <paramref name="match"/>.</summary>
    public static int FirstNumber(IReadOnlyList<string> calls, Func<string, bool> match)
    {
        for (int i = 0; i < calls.Count; i++)
        {
            if (match(calls[i]))
            {
                return i + 1;
            }
        }

        throw new InvalidOperationException($"no matching call among:\n{string.Join('\n', calls)}");
    }

    /// <summary>Whether a logged pwrite64 wrote <paramref name="count"/> bytes.</summary>
    public static bool Writes(string call, int count) => WriteCount().Match(call) is { Success: true } m && int.Parse(m.Groups[1].Value) == count;

    /// <summary>The strace options that run suture with <paramref name="inject"/> (e.g. "pwrite64:error=EPERM:when=5").</summary>
    public static string[] Injecting(string syscall, string inject) => ["strace", "-f", "-qq", "-o", "/dev/null", "-e", $"trace={syscall}", "-e", $"inject={inject}"];

    public static ToolResult RunInjecting(string syscall, string inject, params string[] arguments)
    {
        string[] strace = Injecting(syscall, inject);
        return Tool.Run(strace[0], [.. strace[1..], SutureCli.Path, .. arguments], timeout: TimeSpan.FromMinutes(3));
    }

    [GeneratedRegex(@"pwrite64\(\d+, "".*""(?:\.\.\.)?, (\d+), \d+\)")]
    private static partial Regex WriteCount();
}
