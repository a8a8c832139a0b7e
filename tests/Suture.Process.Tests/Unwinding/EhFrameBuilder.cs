using System.Buffers.Binary;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Writes small .eh_frame sections by hand: CIEs with "zR" (pc-relative sdata4 FDE pointers) and FDEs.</summary>
internal sealed class EhFrameBuilder(ulong address)
{
    private readonly List<byte> _bytes = [];

    public ulong Address { get; } = address;

    /// <summary>Adds a CIE; returns its offset.</summary>
    public int Cie(byte[] initialInstructions, string augmentation = "zR")
    {
        var body = new List<byte> { 0, 0, 0, 0, 1 }; // CIE id 0, version 1
        body.AddRange(System.Text.Encoding.ASCII.GetBytes(augmentation));
        body.Add(0);
        body.Add(1); // code alignment
        body.Add(0x78); // data alignment -8
        body.Add(16); // return address column
        body.Add(1); // augmentation data length
        body.Add(0x1b); // pcrel | sdata4
        body.AddRange(initialInstructions);
        return Append(body);
    }

    /// <summary>Adds an FDE for [pcBegin, pcBegin + range) using the CIE at <paramref name="cieOffset"/>.</summary>
    public int Fde(int cieOffset, ulong pcBegin, uint range, byte[] instructions)
    {
        int offset = _bytes.Count;
        var body = new List<byte>();
        body.AddRange(U32((uint)(offset + 4 - cieOffset)));
        ulong fieldAddress = Address + (ulong)offset + 8;
        body.AddRange(U32((uint)(int)(long)(pcBegin - fieldAddress)));
        body.AddRange(U32(range));
        body.Add(0); // augmentation data length
        body.AddRange(instructions);
        return Append(body);
    }

    public byte[] ToArray() => [.. _bytes, 0, 0, 0, 0];

    private int Append(List<byte> body)
    {
        while ((body.Count + 4) % 8 != 0)
        {
            body.Add(0); // DW_CFA_nop padding
        }

        int offset = _bytes.Count;
        _bytes.AddRange(U32((uint)body.Count));
        _bytes.AddRange(body);
        return offset;
    }

    private static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
