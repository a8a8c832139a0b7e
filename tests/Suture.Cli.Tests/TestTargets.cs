namespace Suture.Cli.Tests;

/// <summary>Paths of the C programs the tests build.</summary>
public static class TestTargets
{
    public static string Looper => Path.Combine(AppContext.BaseDirectory, "TestTargets", "looper.c");

    public static string Spinner => Path.Combine(AppContext.BaseDirectory, "TestTargets", "spinner.c");

    public static string Signals => Path.Combine(AppContext.BaseDirectory, "TestTargets", "signals.c");

    public static string Spawner => Path.Combine(AppContext.BaseDirectory, "TestTargets", "spawner.c");

    public static string Sender => Path.Combine(AppContext.BaseDirectory, "TestTargets", "sender.c");

    public static string OpenSsl => Path.Combine(AppContext.BaseDirectory, "TestTargets", "openssl.c");

    public static string Resident => Path.Combine(AppContext.BaseDirectory, "TestTargets", "resident.c");

    public static string Coroutine => Path.Combine(AppContext.BaseDirectory, "TestTargets", "coroutine.c");

    public static string Reader => Path.Combine(AppContext.BaseDirectory, "TestTargets", "reader.c");

    public static string Levels => Path.Combine(AppContext.BaseDirectory, "TestTargets", "levels.c");

    public static string MemoryDenyWriteExecute => Path.Combine(AppContext.BaseDirectory, "TestTargets", "mdwe.c");

    public static string NoExec => Path.Combine(AppContext.BaseDirectory, "TestTargets", "noexec.c");

    public static string Sleepy => Path.Combine(AppContext.BaseDirectory, "TestTargets", "sleepy.c");

    public static string Endless => Path.Combine(AppContext.BaseDirectory, "TestTargets", "endless.c");

    public static string Handler => Path.Combine(AppContext.BaseDirectory, "TestTargets", "handler.c");

    public static string Declared => Path.Combine(AppContext.BaseDirectory, "TestTargets", "declared.c");

    public static string Vforker => Path.Combine(AppContext.BaseDirectory, "TestTargets", "vforker.c");

    public static string Seed => Path.Combine(AppContext.BaseDirectory, "examples", "seed", "foo.c");

    public static string SeedDiff => Path.Combine(AppContext.BaseDirectory, "examples", "seed", "fix.diff");
}
