using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Suture.Protocol;

/// <summary>
/// The digest of an inventory, the same on agent and server whatever the order of objects and
/// processes: SHA-256 over every field, length-prefixed, objects sorted by Build ID and path,
/// processes by pid. Written <c>sha256:</c> + 64 lower-case hex digits.
/// </summary>
public static class InventoryDigest
{
    public const string Prefix = "sha256:";

    public static string Compute(IReadOnlyList<InventoryObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Add(hash, "suture-inventory-v1");
        foreach (InventoryObject o in objects.OrderBy(o => o.BuildId, StringComparer.Ordinal).ThenBy(o => o.Path, StringComparer.Ordinal))
        {
            Add(hash, "o");
            Add(hash, o.BuildId);
            Add(hash, o.Path);
            Add(hash, o.Package);
            Add(hash, o.Version);
            foreach (InventoryProcess p in o.Processes.OrderBy(p => p.Pid).ThenBy(p => p.Command, StringComparer.Ordinal))
            {
                Add(hash, "p");
                Add(hash, p.Pid.ToString(CultureInfo.InvariantCulture));
                Add(hash, p.Command);
                Add(hash, p.Level.ToString(CultureInfo.InvariantCulture));
                Add(hash, p.PatchId);
            }
        }

        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Add(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[5];
        if (value is null)
        {
            length[0] = 0; // absent, distinct from the empty string
            hash.AppendData(length[..1]);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(value);
        length[0] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(length[1..], bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
