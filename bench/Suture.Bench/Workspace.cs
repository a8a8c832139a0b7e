namespace Suture.Bench;

/// <summary>
/// The scratch tree of one run (bench/.work/run): a pristine copy of bench/targets that patches
/// are built from, a second copy where the targets are compiled with the very same build commands,
/// and the helpers.
/// </summary>
internal sealed class Workspace
{
    /// <summary>Patched targets: name and the build command used for both the target and its patch.</summary>
    public static readonly IReadOnlyList<(string Name, string Build)> Patched =
    [
        ("frozen", "gcc -O2 -pthread -o frozen frozen.c"),
        ("overhead", "gcc -O2 -o overhead overhead.c"),
        ("fleet", "gcc -O2 -o fleet fleet.c"),
    ];

    private Workspace(string repo, string dir, string suture)
    {
        Repo = repo;
        Dir = dir;
        Suture = suture;
    }

    public string Repo { get; }

    public string Dir { get; }

    /// <summary>The suture binary under test.</summary>
    public string Suture { get; }

    public string Source => Path.Combine(Dir, "src");

    public string Bin => Path.Combine(Dir, "bin");

    public string Exe(string name) => Path.Combine(Bin, name);

    public string PatchFile(string name) => Path.Combine(Dir, name + ".patch");

    public static Workspace Prepare(string repo, string dir, string suture)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        var ws = new Workspace(repo, dir, suture);
        string targets = Path.Combine(repo, "bench", "targets");
        CopyTree(targets, ws.Source);
        CopyTree(targets, ws.Bin);
        foreach (string helper in new[] { "timed", "herd", "idle" })
        {
            Cmd.Shell($"gcc -O2 -Wall -o {helper} {helper}.c", ws.Bin);
        }

        Cmd.TimedHelper = ws.Exe("timed");
        foreach ((string name, string build) in Patched)
        {
            Cmd.Shell(build, ws.Bin);
        }

        // Patches are signed and the key trusted (SUTURE_TRUST_DIR, inherited by every suture
        // run), so applies are measured with their signature check, as on a host.
        Cmd.Timed(suture, ["key", "generate", "-o", ws.KeyBase, "--name", "bench"], dir).Check();
        Directory.CreateDirectory(ws.TrustDir);
        File.Copy(ws.KeyBase + ".pub", Path.Combine(ws.TrustDir, "bench.pub"));
        Environment.SetEnvironmentVariable("SUTURE_TRUST_DIR", ws.TrustDir);
        return ws;
    }

    /// <summary>Builds the patch of a target with suture build; returns the timed result.</summary>
    public CmdResult BuildPatch(string name)
    {
        string build = Patched.Single(p => p.Name == name).Build;
        CmdResult built = SutureTimed(
            "build", "--source", Source, "--patch", Path.Combine(Source, name + ".diff"), "--build", build,
            "--target", Exe(name), "-o", PatchFile(name)).Check();
        Cmd.Timed(Suture, ["sign", PatchFile(name), "--key", KeyBase + ".key"], Dir).Check();
        return built;
    }

    private string KeyBase => Path.Combine(Dir, "bench-key");

    private string TrustDir => Path.Combine(Dir, "trusted-keys");

    public CmdResult SutureTimed(params string[] args) => Cmd.Timed(Suture, args, Dir);

    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (string sub in Directory.GetDirectories(from))
        {
            CopyTree(sub, Path.Combine(to, Path.GetFileName(sub)));
        }
    }
}
