using System.Text;

namespace Suture.Patching.State;

/// <summary>
/// Binary form of <see cref="AppliedPatch"/> kept in the target: 8-byte magic, u32 version,
/// u32 body length, body (layout per version in docs/patch-format.md). Read back from memory
/// that the target could have scribbled on, so every length is bounded and any inconsistency
/// makes the record unreadable (with the reason), never a crash. Versions 1 (suture before the
/// record had a phase) and 2 (before it named the signer) are still read; version 3 is written.
/// </summary>
public static class AppliedPatchCodec
{
    public const int HeaderSize = 16;
    public const int MaxBodySize = 1 << 24;
    public const uint Version = 3;
    private const uint PhaseVersion = 2;
    private const uint LegacyVersion = 1;
    private const int MaxString = 64 * 1024;
    private const int MaxItems = 100_000;

    public static ReadOnlySpan<byte> Magic => "SUTURE:S"u8;

    public static byte[] Encode(AppliedPatch patch)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(patch.PatchId);
            writer.Write(patch.Level);
            writer.Write(patch.Description);
            writer.Write(patch.Cves.Count);
            foreach (string cve in patch.Cves)
            {
                writer.Write(cve);
            }

            writer.Write(patch.ObjectName);
            writer.Write(patch.BuildId.Length);
            writer.Write(patch.BuildId);
            writer.Write(patch.AppliedUtc.ToUnixTimeMilliseconds());
            writer.Write(patch.PatchSha256);
            writer.Write(patch.Base);
            writer.Write(patch.CodeSize);
            writer.Write(patch.MappedSize);
            writer.Write(patch.Functions.Count);
            foreach (AppliedFunction function in patch.Functions)
            {
                writer.Write(function.Symbol);
                writer.Write(function.EntryAddress);
                writer.Write(function.NewAddress);
                writer.Write(function.SavedBytes.Length);
                writer.Write(function.SavedBytes);
                writer.Write(function.FunctionStart);
                writer.Write(function.FunctionSize);
            }

            writer.Write(patch.IsActive);
            writer.Write(patch.UnwindTable);
            writer.Write(patch.UnwindTableSize);
            writer.Write(patch.UnwindRegistered);
            writer.Write((byte)patch.Phase);
            writer.Write((byte)patch.UnwindState);
            writer.Write(patch.WriterPid);
            writer.Write(patch.UnwindRecord);
            writer.Write(patch.Signer?.KeyId ?? "");
            writer.Write(patch.Signer?.Name ?? "");
        }

        byte[] result = new byte[HeaderSize + body.Length];
        Magic.CopyTo(result);
        BitConverter.TryWriteBytes(result.AsSpan(8), Version);
        BitConverter.TryWriteBytes(result.AsSpan(12), (uint)body.Length);
        body.ToArray().CopyTo(result, HeaderSize);
        return result;
    }

    /// <summary>Body length announced by a header, or -1 if the header is not a valid record header.</summary>
    public static int ReadBodyLength(ReadOnlySpan<byte> header) => ReadHeader(header, out _, out _);

    /// <summary>Body length and version announced by a header, or -1 with the reason.</summary>
    public static int ReadHeader(ReadOnlySpan<byte> header, out uint version, out string? problem)
    {
        version = 0;
        if (header.Length < HeaderSize || !header.StartsWith(Magic))
        {
            problem = header.Length >= HeaderSize && !header[..HeaderSize].ContainsAnyExcept((byte)0) ? "the record is empty" : "the record has no SUTURE:S magic";
            return -1;
        }

        version = BitConverter.ToUInt32(header[8..]);
        if (version is not (Version or PhaseVersion or LegacyVersion))
        {
            problem = $"the record has format version {version}; this suture reads versions {LegacyVersion} to {Version} (a newer suture wrote it?)";
            return -1;
        }

        uint length = BitConverter.ToUInt32(header[12..]);
        problem = length > MaxBodySize ? $"the record announces {length} bytes (at most {MaxBodySize})" : null;
        return problem is null ? (int)length : -1;
    }

    public static AppliedPatch? TryDecode(byte[] body) => TryDecode(body, Version);

    public static AppliedPatch? TryDecode(byte[] body, uint version)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
            string id = ReadString(reader);
            int level = reader.ReadInt32();
            string description = ReadString(reader);
            string[] cves = new string[ReadCount(reader)];
            for (int i = 0; i < cves.Length; i++)
            {
                cves[i] = ReadString(reader);
            }

            string objectName = ReadString(reader);
            byte[] buildId = reader.ReadBytes(ReadCount(reader, 64));
            long applied = reader.ReadInt64();
            string sha = ReadString(reader);
            ulong imageBase = reader.ReadUInt64();
            ulong codeSize = reader.ReadUInt64();
            ulong mappedSize = reader.ReadUInt64();
            var functions = new AppliedFunction[ReadCount(reader)];
            for (int i = 0; i < functions.Length; i++)
            {
                string symbol = ReadString(reader);
                ulong entry = reader.ReadUInt64();
                ulong target = reader.ReadUInt64();
                byte[] saved = reader.ReadBytes(ReadCount(reader, 64));
                ulong start = reader.ReadUInt64();
                ulong size = reader.ReadUInt64();
                functions[i] = new AppliedFunction(symbol, entry, target, saved, start, size);
            }

            bool active = reader.ReadBoolean();
            // Version 1 records of the first suture releases end here.
            bool hasUnwind = version > LegacyVersion || reader.BaseStream.Position < reader.BaseStream.Length;
            ulong unwind = hasUnwind ? reader.ReadUInt64() : 0;
            ulong unwindSize = hasUnwind ? reader.ReadUInt64() : 0;
            bool registered = hasUnwind && reader.ReadBoolean();
            RecordPhase phase = RecordPhase.Applied;
            UnwindState unwindState = registered ? UnwindState.Registered : UnwindState.None;
            int writer = 0;
            ulong unwindRecord = 0;
            if (version > LegacyVersion)
            {
                phase = (RecordPhase)reader.ReadByte();
                unwindState = (UnwindState)reader.ReadByte();
                writer = reader.ReadInt32();
                unwindRecord = reader.ReadUInt64();
                if (!Enum.IsDefined(phase) || !Enum.IsDefined(unwindState))
                {
                    throw new InvalidDataException("phase out of range");
                }
            }

            PatchSigner? signer = null;
            if (version > PhaseVersion)
            {
                string keyId = ReadString(reader);
                string name = ReadString(reader);
                signer = keyId.Length == 0 ? null : new PatchSigner(keyId, name);
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("trailing bytes");
            }

            return new AppliedPatch
            {
                PatchId = id,
                Level = level,
                Description = description,
                Cves = cves,
                ObjectName = objectName,
                BuildId = buildId,
                AppliedUtc = DateTimeOffset.FromUnixTimeMilliseconds(applied),
                PatchSha256 = sha,
                Base = imageBase,
                CodeSize = codeSize,
                MappedSize = mappedSize,
                Functions = functions,
                IsActive = active,
                UnwindTable = unwind,
                UnwindTableSize = unwindSize,
                UnwindState = unwindState,
                Phase = phase,
                WriterPid = writer,
                UnwindRecord = unwindRecord,
                Signer = signer,
            };
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException or InvalidDataException)
        {
            return null;
        }
    }

    private static string ReadString(BinaryReader reader)
    {
        string value = reader.ReadString();
        return value.Length > MaxString ? throw new InvalidDataException("string too long") : value;
    }

    private static int ReadCount(BinaryReader reader, int max = MaxItems)
    {
        int count = reader.ReadInt32();
        return count < 0 || count > max ? throw new InvalidDataException("count out of range") : count;
    }
}
