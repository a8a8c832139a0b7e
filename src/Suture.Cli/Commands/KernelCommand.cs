using System.CommandLine;
using Suture.Cli.Output;
using Suture.Contracts;
using Suture.Kernel.Building;
using Suture.Kernel.Loading;
using Suture.Kernel.Signing;
using Suture.Trust;

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
        command.Subcommands.Add(Sign(console));
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
        var level = new Option<int>("--level") { Description = "Patch level (default 1); above 1 the patch is cumulative: the fix holds every earlier level's changes and replaces the loaded livepatches atomically", DefaultValueFactory = _ => 1 };
        var build = new Command("build", "Build a livepatch module from a fix to the running kernel's source")
        {
            source, patch, config, headers, vmlinux, symbols, output, description, cve, level,
        };
        build.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            string headerTree = result.GetValue(headers) ?? Path.Combine("/lib/modules", File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), "build");
            var request = new KernelBuildRequest(
                result.GetValue(source)!, result.GetValue(patch)!, result.GetValue(config)!, headerTree,
                result.GetValue(vmlinux), result.GetValue(symbols), result.GetValue(output)!, result.GetValue(description), result.GetValue(cve) ?? [], result.GetValue(level));
            KernelPatchBuilder.Result built = KernelPatchBuilder.Build(request, line => console.Error.WriteLine($"suture: {Printable.Text(line)}"));
            console.Out.WriteLine($"wrote {Printable.Text(built.Module)}: livepatch {built.Name}, {built.Functions.Count} function(s) replaced: {Printable.Join(built.Functions.Select(f => f.OldName))}"
                + (built.Added.Count > 0 ? $", {built.Added.Count} new: {Printable.Join(built.Added)}" : "")
                + $"; {built.LivepatchRelocations} livepatch relocation(s)");
            return 0;
        }));
        return build;
    }

    private static Command Sign(IConsole console)
    {
        var module = new Argument<string>("module") { Description = "The livepatch module (.ko) to sign (rewritten in place unless -o is given)" };
        var key = new Option<string>("--key") { Description = "Signing key, the NAME.key file 'suture key generate' wrote", Required = true };
        var moduleKey = new Option<string?>("--module-key") { Description = "Also sign it for kernels that load only signed modules: the module-signing private key (PEM) the kernel trusts" };
        var moduleCert = new Option<string?>("--module-cert") { Description = "The X.509 certificate of --module-key (PEM or DER)" };
        var headers = new Option<string?>("--headers") { Description = "The target kernel's headers, for scripts/sign-file (default /lib/modules/$(uname -r)/build)" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the signed module here instead of replacing MODULE" };
        var sign = new Command("sign", "Sign a livepatch module like a userspace patch (and, with --module-key, for sig_enforce kernels)") { module, key, moduleKey, moduleCert, headers, output };
        sign.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            string path = result.GetValue(module)!;
            string target = result.GetValue(output) ?? path;
            (string? pem, string? cert) = (result.GetValue(moduleKey), result.GetValue(moduleCert));
            if ((pem is null) != (cert is null))
            {
                throw new SutureException("--module-key and --module-cert go together: the module-signing private key and its certificate", ExitCode.Usage);
            }

            byte[] image = ModuleInfo.ReadFile(path);
            ModuleInfo.Read(image, path);
            using SigningKey signing = SigningKey.Load(result.GetValue(key)!);
            byte[] signed = ModuleSignatures.Sign(image[..ModuleSignatures.WithoutKernelSignature(image, path)], path, signing);
            string temporary = target + ".signing";
            try
            {
                File.WriteAllBytes(temporary, signed);
                if (pem is not null)
                {
                    string headerTree = result.GetValue(headers) ?? Path.Combine("/lib/modules", File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), "build");
                    KernelModuleSigner.Sign(temporary, headerTree, pem, cert!);
                }

                File.Move(temporary, target, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Discard(temporary);
                throw new SutureException($"cannot write the signed module {target}: {e.Message.TrimEnd('.')}", ExitCode.Failure, e);
            }
            catch
            {
                Discard(temporary);
                throw;
            }

            console.Out.WriteLine($"signed {Printable.Text(target)} with key {signing.Id} ({Printable.Text(signing.Name)})" + (pem is null ? "" : $" and with the module-signing key {Printable.Text(pem)}"));
            return 0;
        }));
        return sign;
    }

    /// <summary>Removes the half-written signed module, if there is one (its directory may not even exist).</summary>
    private static void Discard(string temporary)
    {
        if (File.Exists(temporary))
        {
            File.Delete(temporary);
        }
    }

    private static Command Apply(IConsole console)
    {
        var module = new Argument<string>("module") { Description = "The livepatch module (.ko) to load" };
        Option<double> timeout = CommonOptions.Timeout();
        Option<string?> trustDir = TrustOptions.TrustDir();
        Option<bool> allowUnsigned = TrustOptions.AllowUnsigned();
        var replaceForeign = new Option<bool>("--replace-foreign") { Description = "Let a cumulative level's atomic replace also disable livepatches suture did not build (refused without it)" };
        var apply = new Command("apply", "Verify a livepatch module's signature, load it and wait until every task runs the new functions") { module, timeout, trustDir, allowUnsigned, replaceForeign };
        apply.SetAction(result => CommandRunner.Run(console, result, cancel =>
        {
            string path = result.GetValue(module)!;
            byte[] image = ModuleInfo.ReadFile(path);
            Livepatches.Module checkedModule = Livepatches.Check(path, image); // a file that is no livepatch module, or no livepatch support, before the signature
            Trust.Signer? signer = null;
            try
            {
                signer = ModuleSignatures.Verify(image, path, TrustStore.Load(TrustStore.Choose(result.GetValue(trustDir))));
            }
            catch (SutureException e) when (result.GetValue(allowUnsigned) && e.ExitCode == ExitCode.Untrusted)
            {
                console.Error.WriteLine($"warning: {Printable.Text(e.Message)}; applying it anyway as unsigned (--allow-unsigned)");
            }

            Livepatches.Applied applied = HostStateRefresh.After(console, () => Livepatches.Apply(checkedModule, TimeSpan.FromSeconds(result.GetValue(timeout)), result.GetValue(replaceForeign), line => console.Error.WriteLine($"suture: {Printable.Text(line)}"), cancel));
            console.Out.WriteLine($"livepatch {applied.Name} (level {applied.Level}): applied, transition complete"
                + (signer is null ? ", unsigned" : $", signed by {Printable.Text(signer.ToString())}")
                + (applied.Replaced.Count > 0 ? $"; replaced {Printable.Join(applied.Replaced)}" : ""));
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
            string name = HostStateRefresh.After(console, () => Livepatches.Revert(result.GetValue(patch)!, TimeSpan.FromSeconds(result.GetValue(timeout)), cancel));
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
                string level = patch.Id is null ? "" : $" (level {patch.Level}{(patch.Cves is { Count: > 0 } cves ? $", fixes {Printable.Join(cves)}" : "")})";
                console.Out.WriteLine($"  {patch.Name}{Printable.Text(level)}: {(patch.Enabled ? "enabled" : "disabled")}{(patch.Transition ? ", in transition" : "")}: {Printable.Join(patch.Functions)}");
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
