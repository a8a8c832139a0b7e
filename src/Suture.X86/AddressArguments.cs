using Iced.Intel;

namespace Suture.X86;

/// <summary>
/// Reads, from machine code, which address a function passes as its first argument to each call:
/// the pattern <c>lea rdi, [rip + X]</c> followed (with no other write to rdi) by <c>call T</c> or a
/// tail <c>jmp T</c>. Used to find a library's static variables that only its code names, e.g. the
/// key OpenSSL's <c>async_get_ctx</c> passes to <c>CRYPTO_THREAD_get_local(&amp;ctxkey)</c>.
/// </summary>
public static class AddressArguments
{
    /// <summary>Each (X, T) pair in <paramref name="code"/> loaded at <paramref name="address"/>, in order; decoding stops at the first invalid instruction.</summary>
    public static IReadOnlyList<(ulong Argument, ulong Target)> Find(ReadOnlySpan<byte> code, ulong address)
    {
        var found = new List<(ulong, ulong)>();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code.ToArray()), address);
        ulong end = address + (ulong)code.Length;
        ulong? argument = null;
        while (decoder.IP < end)
        {
            decoder.Decode(out Instruction instruction);
            if (instruction.IsInvalid)
            {
                break;
            }

            if (instruction.Mnemonic == Mnemonic.Lea && instruction.Op0Register == Register.RDI && instruction.IsIPRelativeMemoryOperand)
            {
                argument = instruction.IPRelativeMemoryAddress;
                continue;
            }

            if ((instruction.Mnemonic is Mnemonic.Call or Mnemonic.Jmp) && instruction.Op0Kind == OpKind.NearBranch64)
            {
                if (argument is { } value)
                {
                    found.Add((value, instruction.NearBranchTarget));
                }

                argument = null;
                continue;
            }

            if (instruction.FlowControl != FlowControl.Next || WritesRdi(instruction))
            {
                argument = null;
            }
        }

        return found;
    }

    /// <summary>The first direct call (or tail jump) target in <paramref name="code"/>, or null.</summary>
    public static ulong? FirstCall(ReadOnlySpan<byte> code, ulong address)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code.ToArray()), address);
        ulong end = address + (ulong)code.Length;
        while (decoder.IP < end)
        {
            decoder.Decode(out Instruction instruction);
            if (instruction.IsInvalid)
            {
                return null;
            }

            if (instruction.Mnemonic == Mnemonic.Call && instruction.Op0Kind == OpKind.NearBranch64)
            {
                return instruction.NearBranchTarget;
            }
        }

        return null;
    }

    /// <summary>
    /// For a PLT stub at <paramref name="address"/> (<c>[endbr64;] [bnd] jmp [rip + G]</c>), the
    /// address G of the slot it jumps through; otherwise null.
    /// </summary>
    public static ulong? PltSlot(ReadOnlySpan<byte> code, ulong address)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code.ToArray()), address);
        for (int i = 0; i < 2 && decoder.IP < address + (ulong)code.Length; i++)
        {
            decoder.Decode(out Instruction instruction);
            if (instruction.Mnemonic == Mnemonic.Endbr64)
            {
                continue;
            }

            return instruction.Mnemonic == Mnemonic.Jmp && instruction.IsIPRelativeMemoryOperand
                ? instruction.IPRelativeMemoryAddress
                : null;
        }

        return null;
    }

    private static bool WritesRdi(in Instruction instruction) =>
        instruction.OpCount > 0 && instruction.Op0Kind == OpKind.Register
        && instruction.Op0Register is Register.RDI or Register.EDI or Register.DI or Register.DIL;
}
