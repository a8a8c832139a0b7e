using System.Buffers.Binary;
using Suture.Patching.Engine.Safety;

namespace Suture.Patching.Engine.Unwind;

/// <summary>
/// The <c>.eh_frame</c> describing <see cref="ReturnWatch"/>'s stubs, so that an unwinder in the
/// target passes a frame whose return address points at a stub: one FDE per stub, from the byte
/// before it (unwinders look a return address up as address - 1) to the next stub. The stub's
/// return address is the real one, kept in the stub's data (<c>DW_CFA_expression</c>: saved at
/// that address). The stub is entered by a return and uses no stack of its own, but a frame whose
/// CFA equals its caller's stack pointer would have the same identity as the caller for libgcc
/// (which identifies a frame by that value, and would take the stub for the caller's handler
/// frame and abort); so the stub's CFA is put 8 bytes above the caller's stack pointer, which is
/// given explicitly (<c>DW_CFA_val_offset rsp, -8</c>): rsp + 8 on entry and after the pop, rsp + 16
/// while rax is pushed.
/// </summary>
internal static class StubUnwindTable
{
    private const byte PcRelSData4 = 0x1b;
    private const int CieSize = 24;
    private const int FdeSize = 36;

    /// <param name="address">Where the table is written.</param>
    /// <param name="stubs">The stubs' addresses, <paramref name="stubSize"/> apart.</param>
    /// <param name="returnAddressOffset">Offset in a stub of the 8-byte real return address.</param>
    /// <param name="popOffset">Offset of the <c>pop rax</c> (rax is pushed from offset 1 up to it).</param>
    public static byte[] Build(ulong address, IReadOnlyList<ulong> stubs, int stubSize, int returnAddressOffset, int popOffset)
    {
        byte[] table = new byte[CieSize + (stubs.Count * FdeSize) + 4];
        Span<byte> cie = table.AsSpan(0, CieSize);
        BinaryPrimitives.WriteInt32LittleEndian(cie, CieSize - 4);
        // id 0, version 1, "zR", code alignment 1, data alignment -8, return address column 16,
        // augmentation data: the FDE pointer encoding; then CFA = rsp + 8, the caller's rsp = CFA - 8.
        ReadOnlySpan<byte> body = [0, 0, 0, 0, 1, (byte)'z', (byte)'R', 0, 1, 0x78, 16, 1, PcRelSData4, 0x0c, 7, 8, 0x14, 7, 1, 0];
        body.CopyTo(cie[4..]);
        for (int i = 0; i < stubs.Count; i++)
        {
            int offset = CieSize + (i * FdeSize);
            ulong at = address + (ulong)offset;
            Span<byte> fde = table.AsSpan(offset, FdeSize);
            BinaryPrimitives.WriteInt32LittleEndian(fde, FdeSize - 4);
            BinaryPrimitives.WriteInt32LittleEndian(fde[4..], offset + 4); // back to the CIE
            BinaryPrimitives.WriteInt32LittleEndian(fde[8..], (int)(long)(stubs[i] - 1 - (at + 8)));
            BinaryPrimitives.WriteInt32LittleEndian(fde[12..], stubSize);
            fde[16] = 0; // no augmentation data
            fde[17] = 0x10; // DW_CFA_expression r16 (return address), 9 bytes: DW_OP_addr <slot>
            fde[18] = 16;
            fde[19] = 9;
            fde[20] = 0x03;
            BinaryPrimitives.WriteUInt64LittleEndian(fde[21..], stubs[i] + (ulong)returnAddressOffset);
            fde[29] = 0x40 | 2; // advance to stub + 1: rax is pushed
            fde[30] = 0x0e; // DW_CFA_def_cfa_offset 16
            fde[31] = 16;
            fde[32] = (byte)(0x40 | popOffset); // advance to stub + popOffset + 1: popped
            fde[33] = 0x0e;
            fde[34] = 8;
        }

        return table; // ends with the zero terminator
    }
}
