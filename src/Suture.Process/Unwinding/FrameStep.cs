using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

/// <summary>The result of stepping out of one frame: its CFA and the caller's registers.</summary>
internal readonly record struct FrameStep(ulong Cfa, RegisterSet Caller, bool IsOutermost)
{
    /// <summary>Offset of uc_mcontext.gregs in ucontext_t (uc_flags, uc_link, 24-byte uc_stack).</summary>
    internal const int GregsOffset = 40;

    /// <summary>DWARF register for each of gregs[REG_R8 .. REG_RIP] (sys/ucontext.h order).</summary>
    private static readonly int[] GregToDwarf = [8, 9, 10, 11, 12, 13, 14, 15, 5, 4, 6, 3, 1, 0, 2, 7, 16];

    public static FrameStep WithCfi(EhFrameTable table, FrameDescriptionEntry fde, ulong linkPc, in RegisterSet current, StackMemory stack)
    {
        if (fde.Cie.ReturnAddressRegister != DwarfRegisters.Rip)
        {
            throw new DwarfFormatException($"return address column is {fde.Cie.ReturnAddressRegister}, expected {DwarfRegisters.Rip}");
        }

        FrameRules rules = table.GetRules(fde, linkPc);
        CfaRule cfaRule = rules.Cfa;
        ulong cfa = cfaRule switch
        {
            { IsExpression: true } => DwarfExpression.Evaluate(cfaRule.Expression.Span, current, stack, initial: null),
            { Register: >= 0 } => current.Get(cfaRule.Register) + (ulong)cfaRule.Offset,
            _ => throw new UnwindException($"the FDE at offset 0x{fde.Offset:x} defines no CFA at link-time pc 0x{linkPc:x}"),
        };

        var caller = default(RegisterSet);
        for (int register = 0; register < DwarfRegisters.Count; register++)
        {
            RegisterRule rule = rules[register];
            ulong value;
            switch (rule.Kind)
            {
                case RuleKind.Unspecified when register == DwarfRegisters.Rsp:
                    caller.Set(register, cfa);
                    continue;
                case RuleKind.Unspecified when DwarfRegisters.IsCalleeSaved(register):
                case RuleKind.SameValue:
                    if (current.TryGet(register, out value))
                    {
                        caller.Set(register, value);
                    }

                    continue;
                case RuleKind.Unspecified:
                case RuleKind.Undefined:
                    continue;
                case RuleKind.Offset:
                    value = ReadSaved(stack, cfa + (ulong)rule.Offset, register);
                    break;
                case RuleKind.ValOffset:
                    value = cfa + (ulong)rule.Offset;
                    break;
                case RuleKind.Register:
                    if (!current.TryGet(rule.Register, out value))
                    {
                        continue;
                    }

                    break;
                case RuleKind.Expression:
                    value = ReadSaved(stack, DwarfExpression.Evaluate(rule.Expression.Span, current, stack, cfa), register);
                    break;
                default:
                    value = DwarfExpression.Evaluate(rule.Expression.Span, current, stack, cfa);
                    break;
            }

            caller.Set(register, value);
        }

        bool outermost = rules[DwarfRegisters.Rip].Kind == RuleKind.Undefined;
        if (!outermost && !caller.IsKnown(DwarfRegisters.Rip))
        {
            throw new UnwindException($"the FDE at offset 0x{fde.Offset:x} gives no usable rule for the return address at link-time pc 0x{linkPc:x}");
        }

        return new FrameStep(cfa, caller, outermost);
    }

    /// <summary>
    /// Steps through a signal trampoline: the kernel's rt_sigframe puts the ucontext_t at the
    /// trampoline frame's rsp (the handler's return popped pretcode), and its uc_mcontext.gregs
    /// hold every register of the interrupted code.
    /// </summary>
    public static FrameStep ThroughSignalFrame(in RegisterSet current, StackMemory stack)
    {
        ulong context = current.Get(DwarfRegisters.Rsp);
        Span<byte> gregs = stackalloc byte[GregToDwarf.Length * 8];
        if (!stack.TryRead(context + GregsOffset, gregs))
        {
            throw new UnwindException($"could not read the signal context (ucontext_t at 0x{context:x})");
        }

        var caller = default(RegisterSet);
        for (int i = 0; i < GregToDwarf.Length; i++)
        {
            caller.Set(GregToDwarf[i], System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(gregs[(i * 8)..]));
        }

        return new FrameStep(caller.Get(DwarfRegisters.Rsp), caller, IsOutermost: false);
    }

    private static ulong ReadSaved(StackMemory stack, ulong address, int register) => stack.TryReadUInt64(address, out ulong value)
        ? value
        : throw new UnwindException(register == DwarfRegisters.Rip
            ? $"return address at 0x{address:x} read failed"
            : $"saved {DwarfRegisters.Name(register)} at 0x{address:x} read failed");
}
