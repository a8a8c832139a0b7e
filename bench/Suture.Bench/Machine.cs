using System.Text.Json.Nodes;

namespace Suture.Bench;

/// <summary>What the figures were measured on, read from /proc and the repository files (no git command).</summary>
internal static class Machine
{
    public static JsonObject Describe(Workspace ws)
    {
        string version = "";
        try
        {
            version = ws.SutureTimed("--version").Check().Stdout.Trim();
        }
        catch (BenchException)
        {
        }

        return new JsonObject
        {
            ["cpu"] = Field("/proc/cpuinfo", "model name") ?? "unknown",
            ["cores"] = Environment.ProcessorCount,
            ["kernel"] = Read("/proc/sys/kernel/osrelease")?.Trim() ?? Environment.OSVersion.VersionString,
            ["os"] = OsName(),
            ["memory_gib"] = MemoryGib(),
            ["loadavg_at_start"] = Read("/proc/loadavg")?.Trim(),
            ["suture_binary"] = ws.Suture,
            ["suture_version"] = version,
            ["suture_commit"] = version.Contains('+', StringComparison.Ordinal) ? version[(version.IndexOf('+', StringComparison.Ordinal) + 1)..] : null,
            ["repo_commit"] = RepoCommit(ws.Repo),
        };
    }

    /// <summary>The 1-minute load average: above ~0.7 on this machine other work skews the figures.</summary>
    public static double Load1()
    {
        string? text = Read("/proc/loadavg");
        return text is not null && double.TryParse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : 0;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Field(string path, string key)
    {
        foreach (string line in (Read(path) ?? "").Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static string OsName()
    {
        foreach (string line in (Read("/etc/os-release") ?? "").Split('\n'))
        {
            if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            {
                return line["PRETTY_NAME=".Length..].Trim('"');
            }
        }

        return "linux";
    }

    private static double? MemoryGib()
    {
        string? kb = Field("/proc/meminfo", "MemTotal");
        return kb is not null && long.TryParse(kb.Split(' ')[0], out long v) ? Math.Round(v / 1048576.0, 1) : null;
    }

    /// <summary>HEAD of the repository, read from .git files (the benchmark runs no git command).</summary>
    private static string? RepoCommit(string repo)
    {
        string git = Path.Combine(repo, ".git");
        string? head = Read(Path.Combine(git, "HEAD"))?.Trim();
        if (head is null || !head.StartsWith("ref: ", StringComparison.Ordinal))
        {
            return head;
        }

        string name = head[5..];
        string? direct = Read(Path.Combine(git, name))?.Trim();
        if (!string.IsNullOrEmpty(direct))
        {
            return direct;
        }

        foreach (string line in (Read(Path.Combine(git, "packed-refs")) ?? "").Split('\n'))
        {
            if (line.EndsWith(" " + name, StringComparison.Ordinal))
            {
                return line.Split(' ')[0];
            }
        }

        return null;
    }
}
