using System.Diagnostics;

namespace Suture.TestSupport;

/// <summary>The lines a test target prints, as <see cref="RunningProgram"/> and <see cref="DetachedProgram"/> collect them.</summary>
public interface IProgramOutput
{
    int Pid { get; }

    IReadOnlyList<string> Lines(int from = 0);

    /// <summary>Waits (with a deadline) for a line from <paramref name="from"/> on that matches; returns its index.</summary>
    int WaitForLine(Func<string, bool> match, int from = 0, TimeSpan? timeout = null);
}

public static class ProgramOutput
{
    /// <summary>Waits until <paramref name="count"/> consecutive lines from <paramref name="from"/> on equal <paramref name="text"/>; returns the index after them.</summary>
    public static int WaitForSteady(this IProgramOutput program, string text, int count, int from = 0, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            IReadOnlyList<string> lines = program.Lines();
            int run = 0;
            for (int i = from; i < lines.Count; i++)
            {
                run = lines[i] == text ? run + 1 : 0;
                if (run == count)
                {
                    return i + 1;
                }
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"process {program.Pid} did not print '{text}' {count} times in a row within {limit.TotalSeconds} s; last lines:\n{string.Join('\n', lines.TakeLast(20))}");
            }

            program.WaitForLine(_ => true, lines.Count, limit - deadline.Elapsed);
        }
    }
}
