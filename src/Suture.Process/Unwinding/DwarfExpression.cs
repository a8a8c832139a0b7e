using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

/// <summary>
/// Evaluates the DWARF expressions call frame information uses (DWARF 4 section 2.5): literals,
/// constants, register-relative values, stack operations, arithmetic, comparisons, branches and
/// memory dereferences. Malformed expressions raise <see cref="DwarfFormatException"/>, failed
/// reads and unknown registers <see cref="UnwindException"/>.
/// </summary>
internal static class DwarfExpression
{
    private const int MaxStack = 64;
    private const int MaxSteps = 10_000;

    public static ulong Evaluate(ReadOnlySpan<byte> expression, in RegisterSet registers, StackMemory memory, ulong? initial)
    {
        Span<ulong> stack = stackalloc ulong[MaxStack];
        int depth = 0;
        if (initial is ulong pushed)
        {
            stack[depth++] = pushed;
        }

        var reader = new DwarfCursor(expression, "DWARF expression");
        for (int steps = 0; !reader.AtEnd; steps++)
        {
            if (steps >= MaxSteps)
            {
                throw new DwarfFormatException($"expression runs more than {MaxSteps} operations (a loop?)");
            }

            int at = reader.Position;
            byte op = reader.U8();
            switch (op)
            {
                case >= 0x30 and <= 0x4f: // lit0..lit31
                    Push(stack, ref depth, (ulong)(op - 0x30));
                    break;
                case >= 0x70 and <= 0x8f: // breg0..breg31
                    Push(stack, ref depth, registers.Get(op - 0x70) + (ulong)reader.Sleb());
                    break;
                case 0x92: // bregx
                    int register = reader.UlebAsInt("register number");
                    Push(stack, ref depth, registers.Get(register) + (ulong)reader.Sleb());
                    break;
                case 0x03: // addr
                case 0x0e: // const8u
                case 0x0f: // const8s
                    Push(stack, ref depth, reader.U64());
                    break;
                case 0x08:
                    Push(stack, ref depth, reader.U8());
                    break;
                case 0x09:
                    Push(stack, ref depth, (ulong)(sbyte)reader.U8());
                    break;
                case 0x0a:
                    Push(stack, ref depth, reader.U16());
                    break;
                case 0x0b:
                    Push(stack, ref depth, (ulong)(short)reader.U16());
                    break;
                case 0x0c:
                    Push(stack, ref depth, reader.U32());
                    break;
                case 0x0d:
                    Push(stack, ref depth, (ulong)(int)reader.U32());
                    break;
                case 0x10: // constu
                    Push(stack, ref depth, reader.Uleb());
                    break;
                case 0x11: // consts
                    Push(stack, ref depth, (ulong)reader.Sleb());
                    break;
                case 0x12: // dup
                    Push(stack, ref depth, Peek(stack, depth, 0));
                    break;
                case 0x13: // drop
                    Pop(stack, ref depth);
                    break;
                case 0x14: // over
                    Push(stack, ref depth, Peek(stack, depth, 1));
                    break;
                case 0x15: // pick
                    Push(stack, ref depth, Peek(stack, depth, reader.U8()));
                    break;
                case 0x16: // swap
                    ulong upper = Pop(stack, ref depth), lower = Pop(stack, ref depth);
                    Push(stack, ref depth, upper);
                    Push(stack, ref depth, lower);
                    break;
                case 0x17: // rot: top three (a b c, c on top) become (c a b)
                    ulong top = Pop(stack, ref depth), second = Pop(stack, ref depth), third = Pop(stack, ref depth);
                    Push(stack, ref depth, top);
                    Push(stack, ref depth, third);
                    Push(stack, ref depth, second);
                    break;
                case 0x06: // deref
                    Push(stack, ref depth, Read(memory, Pop(stack, ref depth), 8));
                    break;
                case 0x94: // deref_size
                    int size = reader.U8();
                    if (size is 0 or > 8)
                    {
                        throw new DwarfFormatException($"DW_OP_deref_size {size} at offset {at}");
                    }

                    Push(stack, ref depth, Read(memory, Pop(stack, ref depth), size));
                    break;
                case 0x23: // plus_uconst
                    Push(stack, ref depth, Pop(stack, ref depth) + reader.Uleb());
                    break;
                case 0x19: // abs
                    long value = (long)Pop(stack, ref depth);
                    Push(stack, ref depth, (ulong)(value < 0 ? -value : value));
                    break;
                case 0x1f: // neg
                    Push(stack, ref depth, (ulong)-(long)Pop(stack, ref depth));
                    break;
                case 0x20: // not
                    Push(stack, ref depth, ~Pop(stack, ref depth));
                    break;
                case >= 0x1a and <= 0x2e when op is not (0x1f or 0x20 or 0x23 or 0x28):
                    ulong b = Pop(stack, ref depth);
                    ulong a = Pop(stack, ref depth);
                    Push(stack, ref depth, Binary(op, a, b, at));
                    break;
                case 0x28: // bra
                    short branch = (short)reader.U16();
                    if (Pop(stack, ref depth) != 0)
                    {
                        Jump(ref reader, branch, at);
                    }

                    break;
                case 0x2f: // skip
                    Jump(ref reader, (short)reader.U16(), at);
                    break;
                case 0x96: // nop
                    break;
                default:
                    throw new DwarfFormatException($"DWARF expression operation 0x{op:x2} at offset {at} is not supported in call frame information");
            }
        }

        return depth > 0 ? stack[depth - 1] : throw new DwarfFormatException("DWARF expression leaves an empty stack");
    }

    private static ulong Binary(byte op, ulong a, ulong b, int at) => op switch
    {
        0x1a => a & b,
        0x1b => b == 0 ? throw new UnwindException($"DWARF expression divides by zero at offset {at}") : (long)b == -1 ? (ulong)(-(long)a) : (ulong)((long)a / (long)b),
        0x1c => a - b,
        0x1d => b == 0 ? throw new UnwindException($"DWARF expression divides by zero at offset {at}") : a % b,
        0x1e => a * b,
        0x21 => a | b,
        0x22 => a + b,
        0x24 => b >= 64 ? 0 : a << (int)b,
        0x25 => b >= 64 ? 0 : a >> (int)b,
        0x26 => (ulong)((long)a >> (int)Math.Min(b, 63)),
        0x27 => a ^ b,
        0x29 => a == b ? 1UL : 0,
        0x2a => (long)a >= (long)b ? 1UL : 0,
        0x2b => (long)a > (long)b ? 1UL : 0,
        0x2c => (long)a <= (long)b ? 1UL : 0,
        0x2d => (long)a < (long)b ? 1UL : 0,
        0x2e => a != b ? 1UL : 0,
        _ => throw new DwarfFormatException($"DWARF expression operation 0x{op:x2} at offset {at} is not supported"),
    };

    private static void Jump(ref DwarfCursor reader, short offset, int at)
    {
        int target = reader.Position + offset;
        if (target < 0 || target > reader.End)
        {
            throw new DwarfFormatException($"DWARF expression branch at offset {at} jumps outside the expression");
        }

        reader.Position = target;
    }

    private static ulong Read(StackMemory memory, ulong address, int size)
    {
        Span<byte> bytes = stackalloc byte[8];
        bytes.Clear();
        if (!memory.TryRead(address, bytes[..size]))
        {
            throw new UnwindException($"could not read {size} bytes at 0x{address:x}");
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private static void Push(Span<ulong> stack, ref int depth, ulong value)
    {
        if (depth >= stack.Length)
        {
            throw new DwarfFormatException($"DWARF expression stack exceeds {MaxStack} entries");
        }

        stack[depth++] = value;
    }

    private static ulong Pop(Span<ulong> stack, ref int depth) =>
        depth > 0 ? stack[--depth] : throw new DwarfFormatException("DWARF expression pops an empty stack");

    private static ulong Peek(Span<ulong> stack, int depth, int index) =>
        index < depth ? stack[depth - 1 - index] : throw new DwarfFormatException($"DWARF expression reads stack entry {index} of {depth}");
}
