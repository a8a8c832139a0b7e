using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>New code that reaches into libc in the ways the dynamic linker would resolve.</summary>
public sealed class ReferenceTests
{
    [Theory]
    [InlineData("fprintf(stderr, \"you patched my %s\\n\", \"tralala\");")]
    [InlineData("char buffer[64]; volatile size_t n = 23; memcpy(buffer, \"you patched my tralala\", n); puts(buffer);")]
    [InlineData("fputs(\"you patched my tralala\\n\", stdout);")]
    [InlineData("char b[64]; snprintf(b, sizeof b, \"you patched my %s\", \"tralala\"); write(1, b, strlen(b)); write(1, \"\\n\", 1);")]
    public void New_code_calls_and_uses_libc_as_the_dynamic_linker_would(string call)
    {
        using var project = new SeedProject(TestTargets.Looper, "gcc -pthread -include string.h -o foo foo.c", call);
        ToolResult built = project.BuildPatch();
        Assert.True(built.ExitCode == 0, built.ToString());
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.PatchPath);
        int after = program.WaitForSteady(SeedProject.NewLine, 5, before);
        SutureCli.Succeed("revert", "-p", program.Pid.ToString());
        program.WaitForSteady(SeedProject.OldLine, 5, after);
    }
}
