using System.Buffers.Binary;
using Suture.Format;

namespace Suture.Patching.Engine.Placement;

/// <summary>Produces the bytes of a patch image as they must appear at a given run-time address.</summary>
internal static class PatchLinker
{
    /// <param name="resolveExternal">S for an External symbol of a non-thread-local kind: its run-time address.</param>
    /// <param name="resolveThreadLocal">
    /// S for a thread-local kind (see <see cref="PatchFormat.IsThreadLocal"/>): the variable's offset
    /// from the thread pointer (TpOff), its object's module ID (DtpMod) or its offset in the
    /// object's TLS block (DtpOff).
    /// </param>
    public static byte[] Link(PatchFile patch, ulong imageBase, ulong objectBias, Func<PatchRelocation, ulong> resolveExternal, Func<PatchRelocation, ulong> resolveThreadLocal)
    {
        PatchImage image = patch.Image;
        byte[] bytes = new byte[image.MemorySize];
        image.Code.CopyTo(bytes, 0);
        image.Data.CopyTo(bytes, (int)image.DataOffset);
        foreach (PatchRelocation relocation in patch.Relocations)
        {
            ulong symbol = relocation.IsThreadLocal ? resolveThreadLocal(relocation) : relocation.Target switch
            {
                PatchSymbolKind.Image => imageBase + relocation.Value,
                PatchSymbolKind.Object => objectBias + relocation.Value,
                _ => resolveExternal(relocation),
            };
            Write(bytes, relocation, symbol + (ulong)relocation.Addend, imageBase + relocation.Offset);
        }

        return bytes;
    }

    private static void Write(byte[] bytes, PatchRelocation relocation, ulong value, ulong place)
    {
        Span<byte> at = bytes.AsSpan((int)relocation.Offset);
        switch (relocation.Kind)
        {
            case PatchRelocationKind.Abs64 or PatchRelocationKind.TpOff64 or PatchRelocationKind.DtpOff64:
                BinaryPrimitives.WriteUInt64LittleEndian(at, value);
                break;
            case PatchRelocationKind.Pc64:
                BinaryPrimitives.WriteUInt64LittleEndian(at, value - place);
                break;
            case PatchRelocationKind.Pc32:
                long displacement = (long)(value - place);
                BinaryPrimitives.WriteInt32LittleEndian(at, Fit(displacement is >= int.MinValue and <= int.MaxValue, relocation, (int)displacement));
                break;
            case PatchRelocationKind.Abs32:
                BinaryPrimitives.WriteUInt32LittleEndian(at, Fit(value <= uint.MaxValue, relocation, (uint)value));
                break;
            case PatchRelocationKind.DtpMod64:
                BinaryPrimitives.WriteUInt64LittleEndian(at, value - (ulong)relocation.Addend);
                break;
            case PatchRelocationKind.Abs32S or PatchRelocationKind.TpOff32 or PatchRelocationKind.DtpOff32:
                BinaryPrimitives.WriteInt32LittleEndian(at, Fit((long)value is >= int.MinValue and <= int.MaxValue, relocation, (int)(long)value));
                break;
            default:
                throw new SutureException($"relocation kind {relocation.Kind} at image offset 0x{relocation.Offset:x} is not supported", ExitCode.CorruptPatch);
        }
    }

    private static T Fit<T>(bool fits, PatchRelocation relocation, T value) => fits
        ? value
        : throw new SutureException($"the patch's reference to {relocation.Symbol} ({relocation.Kind}) does not reach from where the patch was loaded; the patch memory is too far from the object", ExitCode.Unpatchable);
}
