using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Suture.Server.Data.Entities;

namespace Suture.Server.Audit;

/// <summary>
/// The hash chain of the audit log: entry N's hash is SHA-256 over the previous entry's hash and
/// every field of entry N (each length-prefixed, time in Unix milliseconds). Changing, removing or
/// reordering any entry breaks the chain at that entry or the next.
/// </summary>
internal static class AuditChain
{
    /// <summary>The "previous hash" of entry 1.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string HashOf(AuditEntry e)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Add(hash, "suture-audit-v1");
        Add(hash, e.PreviousHash);
        Add(hash, e.Id.ToString(CultureInfo.InvariantCulture));
        Add(hash, e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add(hash, e.Actor);
        Add(hash, e.Action);
        Add(hash, e.Subject);
        Add(hash, e.Details);
        Add(hash, e.Remote ?? "");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Checks entries given in id order; the first problem found, or null.</summary>
    public sealed class Verifier
    {
        private string _previous = Genesis;
        private long _expectedId = 1;

        public long Count { get; private set; }

        public (long Id, string Problem)? Problem { get; private set; }

        public bool Add(AuditEntry e)
        {
            Count++;
            if (e.Id != _expectedId)
            {
                Problem = (e.Id, $"entry {e.Id} follows entry {_expectedId - 1}: entries {_expectedId}..{e.Id - 1} are missing");
            }
            else if (e.PreviousHash != _previous)
            {
                Problem = (e.Id, $"entry {e.Id} does not link to entry {e.Id - 1} (previous hash {e.PreviousHash}, expected {_previous})");
            }
            else if (HashOf(e) != e.Hash)
            {
                Problem = (e.Id, $"entry {e.Id} was changed after it was written (its hash does not match its content)");
            }

            _previous = e.Hash;
            _expectedId = e.Id + 1;
            return Problem is null;
        }
    }

    private static void Add(IncrementalHash hash, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
