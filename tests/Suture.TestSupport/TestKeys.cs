namespace Suture.TestSupport;

/// <summary>
/// The signing key and trust directory of a test run, made once with the suture binary itself
/// (<c>suture key generate</c>): every patch a test builds is signed with it
/// (<see cref="SutureCli"/>), and every suture run trusts it through <c>SUTURE_TRUST_DIR</c>, so
/// the suite applies patches the way hosts do, verified. Removed when the test process exits.
/// </summary>
public static class TestKeys
{
    private static readonly Lazy<(string Root, string Key, string Trust, string Id)> Keys = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public const string TrustVariable = "SUTURE_TRUST_DIR";

    /// <summary>The private key (<c>NAME.key</c>) patches are signed with.</summary>
    public static string Key => Keys.Value.Key;

    /// <summary>The trust directory holding the test key's <c>NAME.pub</c>.</summary>
    public static string TrustDirectory => Keys.Value.Trust;

    public static string KeyId => Keys.Value.Id;

    public const string Name = "suture tests";

    /// <summary>Signs a patch file (or every *.patch below a directory) with the test key.</summary>
    public static void Sign(string path)
    {
        IEnumerable<string> files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.patch", SearchOption.AllDirectories)
            : [path];
        foreach (string file in files)
        {
            ToolResult signed = Tool.Run(SutureBinary.Path, ["sign", file, "--key", Key], timeout: TimeSpan.FromMinutes(2));
            if (signed.ExitCode != 0)
            {
                throw new InvalidOperationException($"suture sign {file} failed: {signed}");
            }
        }
    }

    private static (string, string, string, string) Create()
    {
        string root = Directory.CreateTempSubdirectory("suture-test-keys-").FullName;
        const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(root, ReadableByAll); // tests run suture as other users too
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        string trust = Path.Combine(root, "trusted-keys");
        Directory.CreateDirectory(trust, ReadableByAll);
        string basePath = Path.Combine(root, "test");
        ToolResult generated = Tool.Run(SutureBinary.Path, ["key", "generate", "-o", basePath, "--name", Name], timeout: TimeSpan.FromMinutes(2));
        if (generated.ExitCode != 0)
        {
            throw new InvalidOperationException($"suture key generate failed: {generated}");
        }

        File.Copy(basePath + ".pub", Path.Combine(trust, "test.pub"));
        string id = generated.Stdout.Split(' ')[1];
        return (root, basePath + ".key", trust, id);
    }
}
