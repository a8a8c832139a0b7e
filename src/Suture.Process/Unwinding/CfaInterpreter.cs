using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

/// <summary>
/// Runs the call frame instructions of a CIE and an FDE up to a pc (DWARF 4 section 6.4.2) and
/// yields the rules for that pc. Malformed programs raise <see cref="DwarfFormatException"/>.
/// </summary>
internal static class CfaInterpreter
{
    private const int MaxRememberDepth = 64;

    /// <summary>The rules in effect at link-time <paramref name="pc"/>; <see cref="ulong.MaxValue"/> runs the whole program.</summary>
    public static FrameRules Run(EhFrameTable table, FrameDescriptionEntry fde, ulong pc)
    {
        CommonInformationEntry cie = fde.Cie;
        var rules = new FrameRules();
        var context = new Context(table, cie, rules, Initial: null);
        Execute(context, cie.InstructionsStart, cie.InstructionsEnd, fde.PcBegin, ulong.MaxValue);
        FrameRules initial = rules.Clone();
        Execute(context with { Initial = initial }, fde.InstructionsStart, fde.InstructionsEnd, fde.PcBegin, pc);
        return rules;
    }

    private readonly record struct Context(EhFrameTable Table, CommonInformationEntry Cie, FrameRules Rules, FrameRules? Initial);

    private static void Execute(Context context, int start, int end, ulong location, ulong pc)
    {
        var reader = new DwarfCursor(context.Table.Data[..end], "call frame instructions", start, context.Table.Address);
        Stack<FrameRules>? remembered = null;
        FrameRules rules = context.Rules;
        CommonInformationEntry cie = context.Cie;
        while (!reader.AtEnd)
        {
            byte op = reader.U8();
            int low = op & 0x3f;
            switch (op >> 6)
            {
                case 1:
                    location += (ulong)low * cie.CodeAlignment;
                    if (location > pc)
                    {
                        return;
                    }

                    continue;
                case 2:
                    rules.Set(low, new RegisterRule(RuleKind.Offset, Factored(reader.Uleb(), cie)));
                    continue;
                case 3:
                    rules.Set(low, FrameRules.Initial(context.Initial, low));
                    continue;
            }

            ulong advance = 0;
            switch (op)
            {
                case 0x00: // nop
                    break;
                case 0x01: // set_loc
                    ulong target = reader.EncodedPointer(cie.FdeEncoding);
                    if (target > pc)
                    {
                        return;
                    }

                    location = target;
                    break;
                case 0x02:
                    advance = reader.U8();
                    break;
                case 0x03:
                    advance = reader.U16();
                    break;
                case 0x04:
                    advance = reader.U32();
                    break;
                case 0x05: // offset_extended
                    rules.Set(Register(ref reader), new RegisterRule(RuleKind.Offset, Factored(reader.Uleb(), cie)));
                    break;
                case 0x06: // restore_extended
                    int restored = Register(ref reader);
                    rules.Set(restored, FrameRules.Initial(context.Initial, restored));
                    break;
                case 0x07:
                    rules.Set(Register(ref reader), new RegisterRule(RuleKind.Undefined));
                    break;
                case 0x08:
                    rules.Set(Register(ref reader), new RegisterRule(RuleKind.SameValue));
                    break;
                case 0x09: // register
                    int saved = Register(ref reader);
                    rules.Set(saved, new RegisterRule(RuleKind.Register, Register: Register(ref reader)));
                    break;
                case 0x0a: // remember_state
                    remembered ??= new Stack<FrameRules>();
                    if (remembered.Count >= MaxRememberDepth)
                    {
                        throw new DwarfFormatException($"DW_CFA_remember_state nested more than {MaxRememberDepth} deep at offset 0x{reader.Position - 1:x}");
                    }

                    remembered.Push(rules.Clone());
                    break;
                case 0x0b: // restore_state: the CFA rule is restored too (as GCC and GDB do).
                    if (remembered is null || remembered.Count == 0)
                    {
                        throw new DwarfFormatException($"DW_CFA_restore_state without remember_state at offset 0x{reader.Position - 1:x}");
                    }

                    rules.CopyFrom(remembered.Pop());
                    break;
                case 0x0c: // def_cfa
                    int cfaRegister = Register(ref reader);
                    rules.Cfa = new CfaRule(cfaRegister, checked((long)reader.Uleb()), default, false);
                    break;
                case 0x0d: // def_cfa_register
                    rules.Cfa = new CfaRule(Register(ref reader), rules.Cfa.IsExpression ? 0 : rules.Cfa.Offset, default, false);
                    break;
                case 0x0e: // def_cfa_offset
                    rules.Cfa = rules.Cfa with { Offset = checked((long)reader.Uleb()) };
                    break;
                case 0x0f: // def_cfa_expression
                    rules.Cfa = new CfaRule(-1, 0, Block(ref reader, context.Table), true);
                    break;
                case 0x10: // expression
                    int expressionRegister = Register(ref reader);
                    rules.Set(expressionRegister, new RegisterRule(RuleKind.Expression, Expression: Block(ref reader, context.Table)));
                    break;
                case 0x11: // offset_extended_sf
                    rules.Set(Register(ref reader), new RegisterRule(RuleKind.Offset, checked(reader.Sleb() * cie.DataAlignment)));
                    break;
                case 0x12: // def_cfa_sf
                    int sfRegister = Register(ref reader);
                    rules.Cfa = new CfaRule(sfRegister, checked(reader.Sleb() * cie.DataAlignment), default, false);
                    break;
                case 0x13: // def_cfa_offset_sf
                    rules.Cfa = rules.Cfa with { Offset = checked(reader.Sleb() * cie.DataAlignment) };
                    break;
                case 0x14: // val_offset
                    rules.Set(Register(ref reader), new RegisterRule(RuleKind.ValOffset, Factored(reader.Uleb(), cie)));
                    break;
                case 0x15: // val_offset_sf
                    rules.Set(Register(ref reader), new RegisterRule(RuleKind.ValOffset, checked(reader.Sleb() * cie.DataAlignment)));
                    break;
                case 0x16: // val_expression
                    int valRegister = Register(ref reader);
                    rules.Set(valRegister, new RegisterRule(RuleKind.ValExpression, Expression: Block(ref reader, context.Table)));
                    break;
                case 0x2e: // GNU_args_size: only matters for landing pads.
                    reader.Uleb();
                    break;
                case 0x2f: // GNU_negative_offset_extended
                    rules.Set(Register(ref reader), new RegisterRule(RuleKind.Offset, -Factored(reader.Uleb(), cie)));
                    break;
                default:
                    throw new DwarfFormatException($"unknown call frame instruction 0x{op:x2} at offset 0x{reader.Position - 1:x}");
            }

            if (advance != 0)
            {
                location += advance * cie.CodeAlignment;
                if (location > pc)
                {
                    return;
                }
            }
        }
    }

    private static long Factored(ulong value, CommonInformationEntry cie) =>
        value <= long.MaxValue ? checked((long)value * cie.DataAlignment) : throw new DwarfFormatException($"factored offset {value} is too large");

    private static int Register(ref DwarfCursor reader) => reader.UlebAsInt("register number");

    private static ReadOnlyMemory<byte> Block(ref DwarfCursor reader, EhFrameTable table)
    {
        int length = reader.UlebAsInt("expression length");
        int start = reader.Position;
        reader.Bytes((ulong)length);
        return table.Memory.Slice(start, length);
    }
}
