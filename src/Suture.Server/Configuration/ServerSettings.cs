using Microsoft.Extensions.Configuration;

namespace Suture.Server.Configuration;

/// <summary>
/// The server's settings, from the <c>Suture</c> section of configuration: appsettings.json, environment
/// variables (<c>Suture__Listen=...</c>) or the command line (<c>--Suture:Listen=...</c>). README and
/// docs/protocol.md list them.
/// </summary>
internal sealed record ServerSettings
{
    /// <summary>Where the SQLite file, the generated certificate and the first admin token live.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory();

    /// <summary><c>https://ADDRESS:PORT</c>; <c>http://</c> only for a loopback address and with <see cref="AllowPlainHttp"/>.</summary>
    public string Listen { get; init; } = "https://0.0.0.0:8443";

    /// <summary>Must be set to serve plain HTTP (and then only on loopback, e.g. behind a local TLS proxy).</summary>
    public bool AllowPlainHttp { get; init; }

    /// <summary><c>sqlite</c> (default) or <c>postgresql</c>.</summary>
    public string DatabaseProvider { get; init; } = "sqlite";

    /// <summary>For SQLite defaults to <c>Data Source=DATA/suture.db</c>; required for PostgreSQL.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The operator's certificate (PKCS#12 or PEM with <see cref="CertificateKeyPath"/>); else one is generated.</summary>
    public string? CertificatePath { get; init; }

    public string? CertificateKeyPath { get; init; }

    public string? CertificatePassword { get; init; }

    public int CheckInIntervalSeconds { get; init; } = 3600;

    /// <summary>Largest request body in bytes, except patch uploads.</summary>
    public long MaxRequestSize { get; init; } = 4L << 20;

    /// <summary>Largest patch upload in bytes.</summary>
    public long MaxPatchSize { get; init; } = 64L << 20;

    /// <summary>
    /// The public keys (<c>*.pub</c>, and a <c>revoked</c> list) an uploaded patch must be signed
    /// by, as on the hosts (docs/protocol.md#patches); default <c>DATA/trusted-keys</c>. The server
    /// never holds a signing key.
    /// </summary>
    public string? TrustDirectory { get; init; }

    /// <summary>How long a web sign-in lasts without use (sliding), in hours.</summary>
    public int SessionHours { get; init; } = 8;

    /// <summary>Registrations per minute from one address (0: no limit, e.g. for a load benchmark).</summary>
    public int RegistrationsPerMinute { get; init; } = 120;

    /// <summary>Sign-in attempts per minute from one address (0: no limit).</summary>
    public int SignInsPerMinute { get; init; } = 10;

    public string Trust => TrustDirectory ?? Path.Combine(DataDirectory, "trusted-keys");

    /// <summary>The SQLite database: <see cref="ConnectionString"/>, or the file <c>DATA/suture.db</c>.</summary>
    public string SqliteConnectionString => ConnectionString ?? $"Data Source={Path.Combine(DataDirectory, "suture.db")}";

    public static ServerSettings From(IConfiguration configuration)
    {
        IConfigurationSection s = configuration.GetSection("Suture");
        var defaults = new ServerSettings();
        return new ServerSettings
        {
            DataDirectory = s["DataDirectory"] ?? defaults.DataDirectory,
            Listen = s["Listen"] ?? defaults.Listen,
            AllowPlainHttp = Bool(s, "AllowPlainHttp", defaults.AllowPlainHttp),
            DatabaseProvider = (s["Database:Provider"] ?? defaults.DatabaseProvider).ToLowerInvariant(),
            ConnectionString = s["Database:ConnectionString"],
            CertificatePath = s["Certificate:Path"],
            CertificateKeyPath = s["Certificate:KeyPath"],
            CertificatePassword = s["Certificate:Password"],
            CheckInIntervalSeconds = Int(s, "CheckInIntervalSeconds", defaults.CheckInIntervalSeconds, 60, 7 * 86400),
            MaxRequestSize = Int(s, "MaxRequestSize", defaults.MaxRequestSize, 4096, 1L << 30),
            MaxPatchSize = Int(s, "MaxPatchSize", defaults.MaxPatchSize, 4096, 1L << 30),
            TrustDirectory = s["TrustDirectory"],
            SessionHours = Int(s, "SessionHours", defaults.SessionHours, 1, 24 * 30),
            RegistrationsPerMinute = Int(s, "RateLimits:RegistrationsPerMinute", defaults.RegistrationsPerMinute, 0, 1_000_000),
            SignInsPerMinute = Int(s, "RateLimits:SignInsPerMinute", defaults.SignInsPerMinute, 0, 1_000_000),
        };
    }

    private static string DefaultDataDirectory() =>
        Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } state
            ? state
            : Environment.IsPrivilegedProcess
                ? "/var/lib/suture-server"
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "suture-server");

    private static bool Bool(IConfigurationSection s, string key, bool fallback) =>
        s[key] is not { } text ? fallback
        : bool.TryParse(text, out bool value) ? value
        : throw new ServerConfigurationException($"Suture:{key}: '{text}' is not true or false");

    private static T Int<T>(IConfigurationSection s, string key, T fallback, T min, T max)
        where T : struct, System.Numerics.IBinaryInteger<T>
    {
        if (s[key] is not { } text)
        {
            return fallback;
        }

        return T.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out T value) && value >= min && value <= max
            ? value
            : throw new ServerConfigurationException($"Suture:{key}: '{text}' is not a whole number from {min} to {max}");
    }
}

/// <summary>A setting is wrong: the server says which and does not start.</summary>
internal sealed class ServerConfigurationException(string message) : Exception(message);
