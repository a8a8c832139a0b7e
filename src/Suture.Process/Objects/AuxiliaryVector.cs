using System.Buffers.Binary;

namespace Suture.Process.Objects;

/// <summary>
/// The auxiliary vector the kernel gave a process at exec (<c>/proc/PID/auxv</c>): pairs of
/// 8-byte type and value, ended by <c>AT_NULL</c>.
/// </summary>
public static class AuxiliaryVector
{
    /// <summary>Address of the main program's program headers in memory.</summary>
    public const ulong ProgramHeaders = 3;

    /// <summary>Size of one program header entry.</summary>
    public const ulong ProgramHeaderSize = 4;

    /// <summary>Number of program headers.</summary>
    public const ulong ProgramHeaderCount = 5;

    private const int EntryLength = 16;
    private const int MaxEntries = 1024;

    /// <summary>The entries, or null when the file cannot be read (process gone, no permission).</summary>
    public static IReadOnlyDictionary<ulong, ulong>? TryRead(int pid)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes($"/proc/{pid}/auxv");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(data);
    }

    /// <summary>The entries of a raw vector up to <c>AT_NULL</c>; a later entry of a type does not replace an earlier one.</summary>
    public static IReadOnlyDictionary<ulong, ulong> Parse(ReadOnlySpan<byte> data)
    {
        var entries = new Dictionary<ulong, ulong>();
        for (int i = 0; i < MaxEntries && (i + 1) * EntryLength <= data.Length; i++)
        {
            ulong type = BinaryPrimitives.ReadUInt64LittleEndian(data[(i * EntryLength)..]);
            if (type == 0)
            {
                break;
            }

            entries.TryAdd(type, BinaryPrimitives.ReadUInt64LittleEndian(data[((i * EntryLength) + 8)..]));
        }

        return entries;
    }
}
