using Suture.Build.Assembly;

namespace Suture.Build.Tests;

/// <summary>The build-environment check's findings are records, formatted only for messages.</summary>
public sealed class BuildEnvironmentReportTests
{
    [Fact]
    public void Summary_names_ten_differences_and_counts_the_rest()
    {
        var differences = Enumerable.Range(1, 12).Select(i => new BuildDifference("foo.c", $"f{i}", $"code differs at offset {i}")).ToList();
        var report = new BuildEnvironmentReport(differences, Compared: 20, Total: 30);

        string[] lines = report.Summary().Split("\n  ");

        Assert.Equal(11, lines.Length);
        Assert.Equal("foo.c: f1: code differs at offset 1", lines[0]);
        Assert.Equal("... and 2 more", lines[^1]);
    }

    [Fact]
    public void The_recorded_override_names_the_symbols_whole_even_with_colons()
    {
        var report = new BuildEnvironmentReport(
            [new BuildDifference("src/a:b.cc", "ns::counter", "8 bytes in the rebuild, 4 in foo"), new BuildDifference("main.c", "tick", "code differs at offset 3 (0x1139 in foo)")],
            Compared: 2,
            Total: 2);

        Assert.Equal("ns::counter, tick", report.FirstSymbols());
        Assert.Equal("src/a:b.cc: ns::counter: 8 bytes in the rebuild, 4 in foo\n  main.c: tick: code differs at offset 3 (0x1139 in foo)", report.Summary());
    }
}
