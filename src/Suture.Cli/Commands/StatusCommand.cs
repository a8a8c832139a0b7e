using System.CommandLine;
using Suture.Cli.Output;
using Suture.Patching.Engine;
using Suture.Patching.State;
using Suture.Process.Tracing;

namespace Suture.Cli.Commands;

/// <summary><c>suture status</c>: which patches a process runs (read without stopping it).</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        Option<string> pid = CommonOptions.Pid(allowAll: false);
        Option<bool> json = CommonOptions.Json();
        var command = new Command("status", "List the patches applied to a running process") { pid, json };
        command.SetAction(result => CommandRunner.Run(result, _ =>
        {
            int target = CommonOptions.ParsePid(result.GetValue(pid)!, allowAll: false)!.Value;
            IReadOnlyList<AppliedPatch> patches = PatchStatusReader.Read(target);
            string name = ThreadList.Name(target, target);
            if (result.GetValue(json))
            {
                JsonOutput.WriteStatus(Console.OpenStandardOutput(), target, name, patches);
            }
            else
            {
                TextOutput.WriteStatus(Console.Out, target, name, patches);
            }

            return 0;
        }));
        return command;
    }
}
