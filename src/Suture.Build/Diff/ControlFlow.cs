using Iced.Intel;
using Suture.Elf;

namespace Suture.Build.Diff;

/// <summary>What the machine code of one function of a relocatable object says about how it ends.</summary>
internal static class ControlFlow
{
    /// <summary>
    /// True when the function can never return: no return instruction, no indirect jump, no jump
    /// or branch to another function (a tail call, a jump into a cold part), and it ends with a
    /// jump back into itself: an endless loop, like a thread's main loop. A function that ends
    /// the process (a call to exit or abort) is not one: the next call to it runs the new code.
    /// </summary>
    public static bool LoopsForever(ObjectFunction function, ElfFile file)
    {
        ReadOnlySpan<byte> code = function.Code.Span;
        if (code.IsEmpty)
        {
            return false;
        }

        var relocated = new SortedSet<ulong>();
        foreach (ElfRelocation relocation in file.GetRelocations(function.Section))
        {
            if (relocation.Offset >= function.Symbol.Value && relocation.Offset < function.Symbol.Value + (ulong)code.Length)
            {
                relocated.Add(relocation.Offset - function.Symbol.Value);
            }
        }

        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code.ToArray()), 0);
        Instruction last = default;
        while (decoder.IP < (ulong)code.Length)
        {
            decoder.Decode(out Instruction instruction);
            if (instruction.IsInvalid)
            {
                return false;
            }

            switch (instruction.FlowControl)
            {
                case FlowControl.Return or FlowControl.IndirectBranch or FlowControl.Exception:
                    return false;
                case FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch:
                    if (relocated.GetViewBetween(instruction.IP, instruction.NextIP - 1).Count > 0
                        || instruction.NearBranchTarget >= (ulong)code.Length)
                    {
                        return false;
                    }

                    break;
            }

            last = instruction;
        }

        return last.FlowControl == FlowControl.UnconditionalBranch;
    }
}
