using Suture.Build.Workspace;

namespace Suture.Kernel.Signing;

/// <summary>
/// Signs a module for a kernel that loads only signed modules (<c>module.sig_enforce=1</c>,
/// lockdown) with the operator's module-signing key, by the kernel's own
/// <c>scripts/sign-file</c> from the target's headers (docs/decisions.md: the kernel's PKCS#7
/// format, exactly as kbuild writes it, with the tool every module builder already has).
/// </summary>
internal static class KernelModuleSigner
{
    /// <summary>Appends a kernel module signature to <paramref name="module"/> (in place).</summary>
    public static void Sign(string module, string headers, string key, string certificate)
    {
        string signFile = Path.Combine(headers, "scripts", "sign-file");
        if (!File.Exists(signFile))
        {
            throw new SutureException($"--headers {headers}: has no scripts/sign-file (the kernel's module signer, in linux-headers / linux-kbuild); give the headers of the target kernel", ExitCode.Usage);
        }

        foreach ((string option, string file) in new[] { ("--module-key", key), ("--module-cert", certificate) })
        {
            if (!File.Exists(file))
            {
                throw new SutureException($"{option} {file}: no such file", ExitCode.Usage);
            }
        }

        (int exit, string output) = ShellCommand.Run(signFile, ["sha256", Path.GetFullPath(key), Path.GetFullPath(certificate), Path.GetFullPath(module)], Path.GetDirectoryName(Path.GetFullPath(module))!);
        if (exit != 0 || !ModuleSignatures.HasKernelSignature(File.ReadAllBytes(module)))
        {
            throw new SutureException($"signing {module} with the module-signing key {key} failed (scripts/sign-file exit {exit}): {ShellCommand.Tail(output, 5)} (the key must be the PEM private key of the certificate {certificate})", ExitCode.Failure);
        }
    }
}
