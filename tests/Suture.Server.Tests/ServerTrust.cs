using Suture.TestSupport;
using Suture.Trust;

namespace Suture.Server.Tests;

/// <summary>
/// The key the tests' publisher signs uploads with, and the trust directory every test server
/// checks them against (holding only its public half), made once per run with Suture.Trust.
/// </summary>
internal static class ServerTrust
{
    public const string Name = "server tests";

    private static readonly Lazy<(SigningKey Key, string Directory, TempDirectory Keep)> State = new(() =>
    {
        var root = new TempDirectory("suture-server-trust");
        string directory = root.File("trusted-keys");
        System.IO.Directory.CreateDirectory(directory);
        SigningKey key = SigningKey.Generate(Name);
        (string privatePath, string publicPath) = key.Write(root.File("publisher"));
        File.Move(publicPath, Path.Combine(directory, "publisher.pub"));
        File.Delete(privatePath);
        return (key, directory, root);
    });

    public static string Directory => State.Value.Directory;

    public static string KeyId => State.Value.Key.Id;

    /// <summary>The patch signed by the publisher's key.</summary>
    public static byte[] Sign(byte[] patch) => PatchSigning.Sign(patch, "the test patch", State.Value.Key);

    /// <summary>The patch signed by a key no test server trusts.</summary>
    public static byte[] SignByStranger(byte[] patch)
    {
        using SigningKey stranger = SigningKey.Generate("stranger");
        return PatchSigning.Sign(patch, "the test patch", stranger);
    }
}
