namespace Suture.Trust;

/// <summary>
/// The keys a host trusts to sign patches: every <c>*.pub</c> file in a trust directory
/// (default <c>/etc/suture/trusted-keys/</c>, else <c>SUTURE_TRUST_DIR</c>, else
/// <c>--trust-dir</c>), minus the key ids listed in its <c>revoked</c> file (one id a line,
/// <c>#</c> comments). A directory or file that others than its owner may write, a key file that
/// does not parse or a revocation line that is not a key id makes the whole directory unusable,
/// with one message naming the file: a half-read trust directory would trust the wrong set.
/// </summary>
internal sealed class TrustStore
{
    public const string DefaultDirectory = "/etc/suture/trusted-keys";
    public const string EnvironmentVariable = "SUTURE_TRUST_DIR";
    public const string RevocationFile = "revoked";

    private TrustStore(string directory, IReadOnlyDictionary<string, TrustedKey> keys, IReadOnlyDictionary<string, int> revoked)
    {
        Directory = directory;
        Keys = keys;
        Revoked = revoked;
    }

    public string Directory { get; }

    public IReadOnlyDictionary<string, TrustedKey> Keys { get; }

    /// <summary>Revoked key ids, with the line of the revocation file that lists each.</summary>
    public IReadOnlyDictionary<string, int> Revoked { get; }

    public string RevocationPath => Path.Combine(Directory, RevocationFile);

    /// <summary>The directory to use: the option if given, else the environment variable, else the default.</summary>
    public static string Choose(string? option) =>
        !string.IsNullOrEmpty(option) ? option
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultDirectory;

    /// <exception cref="SutureException">The directory is missing, unsafe or corrupt (<see cref="ExitCode.Untrusted"/>).</exception>
    public static TrustStore Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw Fail($"trust directory {directory} does not exist; install the public keys (NAME.pub) of the patches' publishers there, or give --trust-dir DIR (or {EnvironmentVariable}); --allow-unsigned applies without verifying (development only)");
        }

        var keys = new Dictionary<string, TrustedKey>(StringComparer.Ordinal);
        var revoked = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            RefuseWritableByOthers(directory, "trust directory");
            foreach (string path in System.IO.Directory.EnumerateFiles(directory, "*.pub").Order(StringComparer.Ordinal))
            {
                RefuseWritableByOthers(path, "trusted key");
                TrustedKey key = TrustedKey.Parse(File.ReadAllText(path), path, out string? problem)
                    ?? throw Fail($"trust directory {directory}: {path} is not a suture public key: {problem}; replace it with the NAME.pub file 'suture key generate' wrote, or remove it");
                keys.TryAdd(key.Id, key);
            }

            string revocations = Path.Combine(directory, RevocationFile);
            if (File.Exists(revocations))
            {
                RefuseWritableByOthers(revocations, "revocation list");
                string[] lines = File.ReadAllLines(revocations);
                for (int i = 0; i < lines.Length; i++)
                {
                    string line = lines[i].Split('#')[0].Trim();
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    if (!KeyId.IsWellFormed(line))
                    {
                        throw Fail($"trust directory {directory}: {revocations} line {i + 1} is '{lines[i]}', not a key id ({KeyId.Length} lowercase hex digits, as 'suture key generate' and 'suture verify' print); fix the line");
                    }

                    revoked.TryAdd(line, i + 1);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"trust directory {directory}: cannot read it: {e.Message.TrimEnd('.')}", ExitCode.Untrusted, e);
        }

        return new TrustStore(directory, keys, revoked);
    }

    private static void RefuseWritableByOthers(string path, string what)
    {
        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new SutureException($"{what} {path} may be written by other users (mode {Convert.ToString((int)mode & 0x1ff, 8)}), so anyone could make suture trust their patches; run 'chmod go-w {path}'", ExitCode.Untrusted);
        }
    }

    private static SutureException Fail(string message) => new(message, ExitCode.Untrusted);
}
