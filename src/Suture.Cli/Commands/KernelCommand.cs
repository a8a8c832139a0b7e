using System.CommandLine;
using Suture.Cli.Output;
using Suture.Contracts;
using Suture.Kernel.Building;
using Suture.Kernel.Loading;

namespace Suture.Cli.Commands;

/// <summary>
/// <c>suture kernel build|apply|revert|status</c>: live patches for the running kernel, as
/// livepatch modules (docs/kernel.md).
/// </summary>
internal static class KernelCommand
{
    public static Command Create(IConsole console)
    {
        var command = new Command("kernel", "Kernel live patches: build a livepatch module from a fix, load it, unload it, list the loaded ones");
        command.Subcommands.Add(Build(console));
        command.Subcommands.Add(Apply(console));
        command.Subcommands.Add(Revert(console));
        command.Subcommands.Add(Status(console));
        return command;
    }

    private static Command Build(IConsole console)
    {
        var source = new Option<string>("--source") { Description = "The running kernel's source tree (e.g. from apt-get source linux)", Required = true };
        var patch = new Option<string>("--patch") { Description = "The fix, a unified diff against the source tree (-p1)", Required = true };
        var config = new Option<string>("--config") { Description = "The running kernel's config (e.g. /boot/config-$(uname -r))", Required = true };
        var headers = new Option<string>("--headers") { Description = "The running kernel's headers, a kbuild tree with Module.symvers (default /lib/modules/$(uname -r)/build)" };
        var vmlinux = new Option<string?>("--vmlinux") { Description = "The running kernel's vmlinux with symbols (its -dbg package): tells same-named static symbols apart and binds the module to its Build ID" };
        var symbols = new Option<string?>("--symbols") { Description = "A System.map or a copy of the target's /proc/kallsyms (read as root), when there is no vmlinux" };
        var output = new Option<string>("--output", "-o") { Description = "Module to write, e.g. fix.ko (its name, less .ko, names the patch)", Required = true };
        var description = new Option<string?>("--description") { Description = "What the patch fixes" };
        var cve = new Option<string[]>("--cve") { Description = "CVE fixed by the patch (repeatable)", AllowMultipleArgumentsPerToken = false };
        var build = new Command("build", "Build a livepatch module from a fix to the running kernel's source")
        {
            source, patch, config, headers, vmlinux, symbols, output, description, cve,
        };
        build.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            string headerTree = result.GetValue(headers) ?? Path.Combine("/lib/modules", File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), "build");
            var request = new KernelBuildRequest(
                result.GetValue(source)!, result.GetValue(patch)!, result.GetValue(config)!, headerTree,
                result.GetValue(vmlinux), result.GetValue(symbols), result.GetValue(output)!, result.GetValue(description), result.GetValue(cve) ?? []);
            KernelPatchBuilder.Result built = KernelPatchBuilder.Build(request, line => console.Error.WriteLine($"suture: {Printable.Text(line)}"));
            console.Out.WriteLine($"wrote {Printable.Text(built.Module)}: livepatch {built.Name}, {built.Functions.Count} function(s) replaced: {Printable.Join(built.Functions.Select(f => f.OldName))}"
                + (built.Added.Count > 0 ? $", {built.Added.Count} new: {Printable.Join(built.Added)}" : "")
                + $"; {built.LivepatchRelocations} livepatch relocation(s)");
            return 0;
        }));
        return build;
    }

    private static Command Apply(IConsole console)
    {
        var module = new Argument<string>("module") { Description = "The livepatch module (.ko) to load" };
        Option<double> timeout = CommonOptions.Timeout();
        var apply = new Command("apply", "Load a livepatch module and wait until every task runs the new functions") { module, timeout };
        apply.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            string name = Livepatches.Apply(result.GetValue(module)!, TimeSpan.FromSeconds(result.GetValue(timeout)), line => console.Error.WriteLine($"suture: {Printable.Text(line)}"), cancel);
            console.Out.WriteLine($"livepatch {name}: applied, transition complete");
            return 0;
        }));
        return apply;
    }

    private static Command Revert(IConsole console)
    {
        var patch = new Argument<string>("patch") { Description = "The livepatch's name, or its .ko file" };
        Option<double> timeout = CommonOptions.Timeout();
        var revert = new Command("revert", "Disable a livepatch, wait until every task runs the original functions, and unload its module") { patch, timeout };
        revert.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            string name = Livepatches.Revert(result.GetValue(patch)!, TimeSpan.FromSeconds(result.GetValue(timeout)), cancel);
            console.Out.WriteLine($"livepatch {name}: reverted and unloaded");
            return 0;
        }));
        return revert;
    }

    private static Command Status(IConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON (KernelStatusResult)" };
        var status = new Command("status", "List the kernel's livepatches: enabled, in transition, the functions they replace") { json };
        status.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            KernelStatusResult state = Livepatches.Status();
            if (result.GetValue(json))
            {
                using Stream stdout = console.OpenStandardOutput();
                JsonOutput.WriteKernelStatus(stdout, state);
                return 0;
            }

            if (!state.Livepatch)
            {
                console.Out.WriteLine($"kernel {state.KernelRelease}: no livepatch support (CONFIG_LIVEPATCH)");
                return 0;
            }

            console.Out.WriteLine($"kernel {state.KernelRelease}: {state.Patches.Count} livepatch(es)");
            foreach (KernelPatchState patch in state.Patches)
            {
                console.Out.WriteLine($"  {patch.Name}: {(patch.Enabled ? "enabled" : "disabled")}{(patch.Transition ? ", in transition" : "")}: {Printable.Join(patch.Functions)}");
                if (patch.PendingTasks.Count > 0)
                {
                    console.Out.WriteLine($"    tasks not switched yet: {Printable.Join(patch.PendingTasks)}");
                }
            }

            return 0;
        }));
        return status;
    }
}
