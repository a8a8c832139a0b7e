using System.Buffers.Binary;

namespace Suture.X86;

/// <summary>The <c>jmp rel32</c> written over an old function's entry, and the IBT landing pad.</summary>
public static class Jump
{
    /// <summary>Length of <c>E9 rel32</c>.</summary>
    public const int Length = 5;

    /// <summary>Length of <c>endbr64</c> (F3 0F 1E FA).</summary>
    public const int EndbrLength = 4;

    private static ReadOnlySpan<byte> Endbr64 => [0xf3, 0x0f, 0x1e, 0xfa];

    public static bool StartsWithEndbr64(ReadOnlySpan<byte> code) => code.StartsWith(Endbr64);

    /// <summary>Whether a <c>jmp rel32</c> at <paramref name="from"/> reaches <paramref name="to"/>.</summary>
    public static bool CanReach(ulong from, ulong to)
    {
        long displacement = (long)(to - (from + Length));
        return displacement is >= int.MinValue and <= int.MaxValue;
    }

    /// <summary>Encodes <c>jmp to</c> placed at <paramref name="from"/>.</summary>
    public static byte[] Encode(ulong from, ulong to)
    {
        if (!CanReach(from, to))
        {
            throw new SutureException($"a jump from 0x{from:x} cannot reach 0x{to:x} (more than 2 GiB apart)");
        }

        byte[] bytes = new byte[Length];
        bytes[0] = 0xe9;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), (int)(long)(to - (from + Length)));
        return bytes;
    }
}
