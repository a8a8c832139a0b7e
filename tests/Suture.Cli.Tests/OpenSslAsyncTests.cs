using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// OpenSSL 3's libcrypto imports makecontext for its optional async jobs. A process linking the
/// system's libcrypto that never started a job is patched like any other; one that did is refused,
/// naming libcrypto and what it found (TestTargets/openssl.c, built with and without -DSTART_JOB).
/// </summary>
public sealed class OpenSslAsyncTests
{
    [Fact]
    public void A_process_linking_libcrypto_that_never_started_an_async_job_is_patched()
    {
        using var project = new SeedProject(TestTargets.OpenSsl, "gcc -o foo foo.c -lcrypto");
        project.SucceedBuildPatch();
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        Assert.Contains("libcrypto.so.3", File.ReadAllText($"/proc/{program.Pid}/maps"));
        string pid = program.Pid.ToString();

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", pid, project.PatchPath);
        program.WaitForSteady(SeedProject.NewLine, 5, before);
        SutureCli.Succeed("revert", "-p", pid);
        program.WaitForSteady(SeedProject.OldLine, 5, program.LineCount);
    }

    [Fact]
    public void A_process_that_started_an_async_job_is_refused_naming_libcrypto()
    {
        using var project = new SeedProject(TestTargets.OpenSsl, "gcc -DSTART_JOB -o foo foo.c -lcrypto");
        project.SucceedBuildPatch();
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();

        ToolResult refused = SutureCli.Run("apply", "-p", pid, project.PatchPath);

        Assert.True(refused.ExitCode == (int)ExitCode.Unpatchable, refused.ToString());
        Assert.Contains("libcrypto.so.3 uses makecontext: OpenSSL async jobs were set up", refused.Stderr);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", pid).Stdout);
        program.WaitForSteady(SeedProject.OldLine, 3, program.LineCount);
    }
}
