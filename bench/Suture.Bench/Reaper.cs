using System.Runtime.InteropServices;

namespace Suture.Bench;

/// <summary>
/// Remembers every process (and process group) the harness starts, in memory and in a pid file
/// that bench/run.sh's trap reads, and kills them all on exit, on SIGINT/SIGTERM and on failure.
/// A process group is written as its negative id, as kill(1) takes it.
/// </summary>
internal static class Reaper
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Live = [];
    private static string? pidFile;
    private static PosixSignalRegistration? sigint;
    private static PosixSignalRegistration? sigterm;

    public static void Init(string path)
    {
        pidFile = path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Tracks a pid, or a process group as its negative id.</summary>
    public static void Track(int id)
    {
        lock (Gate)
        {
            if (Live.Add(id) && pidFile is not null)
            {
                File.AppendAllText(pidFile, $"{id}\n");
            }
        }
    }

    /// <summary>
    /// Drops an id once its process is gone, from the file too: pids are reused (a run starts
    /// thousands of processes), and the trap must never kill a stranger.
    /// </summary>
    public static void Forget(int id)
    {
        lock (Gate)
        {
            if (Live.Remove(id))
            {
                Save();
            }
        }
    }

    public static void KillAll()
    {
        lock (Gate)
        {
            if (Live.Count == 0)
            {
                return;
            }

            // SIGTERM first: a herd then kills and reaps its members, suture resumes its target.
            foreach (int id in Live.Where(i => i > 0))
            {
                _ = Native.Kill(id, Native.SigTerm);
            }

            Thread.Sleep(300);
            foreach (int id in Live.OrderBy(i => i))
            {
                _ = Native.Kill(id, Native.SigKill);
            }

            Live.Clear();
            Save();
        }
    }

    private static void Save()
    {
        if (pidFile is not null)
        {
            File.WriteAllText(pidFile, string.Concat(Live.Select(i => $"{i}\n")));
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        Console.Error.WriteLine($"bench: {context.Signal}: killing every process the benchmark started");
        KillAll();
        GC.KeepAlive(sigint);
        GC.KeepAlive(sigterm);
    }
}
