using System.Text.RegularExpressions;
using Suture.TestSupport;

namespace Suture.Elf.Tests;

/// <summary>Runs binutils and extracts the facts the tests compare the reader against.</summary>
public static partial class Readelf
{
    public static string Run(params string[] arguments)
    {
        ToolResult result = Tool.Run("readelf", arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    /// <summary>Section count and the names of sections 1..n from <c>readelf -SW</c>.</summary>
    public static (int Count, List<string> Names) Sections(string path)
    {
        string output = Run("-SW", path);
        int count = int.Parse(SectionCountRegex().Match(output).Groups[1].Value);
        var names = SectionLineRegex().Matches(output).Where(m => m.Groups[1].Value != "0").Select(m => m.Groups[2].Value).ToList();
        return (count, names);
    }

    /// <summary>The (offset, type, symbol, addend) rows of one relocation section from <c>readelf -rW</c>.</summary>
    public static List<(ulong Offset, string Type, string Symbol, long Addend)> Relocations(string path, string relocationSection)
    {
        string output = Run("-rW", path);
        int start = output.IndexOf($"Relocation section '{relocationSection}'", StringComparison.Ordinal);
        Assert.True(start >= 0, $"readelf shows no {relocationSection}:\n{output}");
        var rows = new List<(ulong, string, string, long)>();
        foreach (string line in output[start..].Split('\n').Skip(2))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                break;
            }

            Match m = RelocationLineRegex().Match(line);
            Assert.True(m.Success, line);
            long addend = Convert.ToInt64(m.Groups[5].Value, 16);
            rows.Add((Convert.ToUInt64(m.Groups[1].Value, 16), m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value == "-" ? -addend : addend));
        }

        return rows;
    }

    /// <summary>The lowercase hex Build ID from <c>readelf -n</c>.</summary>
    public static string? BuildId(string path)
    {
        Match m = BuildIdRegex().Match(Run("-n", path));
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>Names with versions ("printf@GLIBC_2.2.5", "memcpy@@GLIBC_2.14") from <c>readelf --dyn-syms -W</c>.</summary>
    public static List<string> DynamicSymbolNames(string path)
    {
        string output = Run("--dyn-syms", "-W", path);
        return DynamicSymbolRegex().Matches(output).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"There are (\d+) section headers")]
    private static partial Regex SectionCountRegex();

    [GeneratedRegex(@"^\s*\[\s*(\d+)\]\s+(\S+)\s+[A-Z_0-9]+\s", RegexOptions.Multiline)]
    private static partial Regex SectionLineRegex();

    [GeneratedRegex(@"^([0-9a-f]{16})\s+[0-9a-f]{16}\s+(\S+)\s+[0-9a-f]{16}\s+(\S+)\s+([+-])\s+([0-9a-f]+)\s*$")]
    private static partial Regex RelocationLineRegex();

    [GeneratedRegex(@"Build ID: ([0-9a-f]+)")]
    private static partial Regex BuildIdRegex();

    [GeneratedRegex(@"^\s*\d+: [0-9a-f]{16}\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+ ?(\S*)", RegexOptions.Multiline)]
    private static partial Regex DynamicSymbolRegex();
}
