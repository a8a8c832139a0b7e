using System.Runtime.CompilerServices;
using Suture.Native;

namespace Suture.Process.Unwinding;

/// <summary>Values of the DWARF registers 0..16 in one frame, each either known or unknown.</summary>
internal struct RegisterSet
{
    private Values _values;
    private uint _known;

    public static RegisterSet FromUserRegs(in UserRegs regs)
    {
        var set = default(RegisterSet);
        set.Set(DwarfRegisters.Rax, regs.Rax);
        set.Set(DwarfRegisters.Rdx, regs.Rdx);
        set.Set(DwarfRegisters.Rcx, regs.Rcx);
        set.Set(DwarfRegisters.Rbx, regs.Rbx);
        set.Set(DwarfRegisters.Rsi, regs.Rsi);
        set.Set(DwarfRegisters.Rdi, regs.Rdi);
        set.Set(DwarfRegisters.Rbp, regs.Rbp);
        set.Set(DwarfRegisters.Rsp, regs.Rsp);
        set.Set(8, regs.R8);
        set.Set(9, regs.R9);
        set.Set(10, regs.R10);
        set.Set(11, regs.R11);
        set.Set(12, regs.R12);
        set.Set(13, regs.R13);
        set.Set(14, regs.R14);
        set.Set(15, regs.R15);
        set.Set(DwarfRegisters.Rip, regs.Rip);
        return set;
    }

    public readonly bool IsKnown(int register) => register >= 0 && register < DwarfRegisters.Count && (_known & (1u << register)) != 0;

    public readonly bool TryGet(int register, out ulong value)
    {
        bool known = IsKnown(register);
        value = known ? _values[register] : 0;
        return known;
    }

    /// <summary>The value; raises <see cref="UnwindException"/> when the register is unknown in this frame.</summary>
    public readonly ulong Get(int register) => TryGet(register, out ulong value)
        ? value
        : throw new UnwindException($"register {DwarfRegisters.Name(register)} is needed but not known in this frame");

    public void Set(int register, ulong value)
    {
        _values[register] = value;
        _known |= 1u << register;
    }

    [InlineArray(DwarfRegisters.Count)]
    private struct Values
    {
        private ulong _element;
    }
}
