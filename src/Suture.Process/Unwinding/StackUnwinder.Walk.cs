using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

public sealed partial class StackUnwinder
{
    /// <summary>One unwind of one stack, frame by frame.</summary>
    private sealed class Walk(StackUnwinder unwinder, StackMemory stack, int maxFrames)
    {
        private readonly List<StackFrame> _frames = [];

        public UnwindResult Run(RegisterSet registers)
        {
            bool exactPc = true;
            ulong previousCfa = 0;
            for (int index = 0; ; index++)
            {
                if (index >= maxFrames)
                {
                    return Fail($"more than {maxFrames} frames (deep recursion or a corrupt stack)");
                }

                ulong pc = registers.Get(DwarfRegisters.Rip);
                ulong lookup = exactPc ? pc : pc - 1;
                CodeRegion? region = unwinder.FindRegion(lookup);
                if (region is null)
                {
                    return Fail($"frame {index}: no unwind information for pc 0x{pc:x} ({unwinder.DescribeUnknown(lookup)})");
                }

                if (!region.TryGetTable(out EhFrameTable? table, out string? loadError))
                {
                    return Fail($"frame {index}: no unwind information for pc 0x{pc:x} in {region.Name}: {loadError}");
                }

                ulong linkPc = lookup - region.Bias;
                if (!table.TryFind(linkPc, out FrameDescriptionEntry? fde, out string? findError)
                    && !exactPc && findError is null
                    && table.TryFind(pc - region.Bias, out FrameDescriptionEntry? entry, out _) && entry!.PcBegin == pc - region.Bias)
                {
                    // A "return address" that is a function's first instruction was pushed without a
                    // call: the trampoline at the bottom of a makecontext stack (__start_context),
                    // which only switches to uc_link. Nothing of this stack lies below it.
                    _frames.Add(new StackFrame(pc, previousCfa, region.Name, IsSignalFrame: false));
                    return new UnwindResult(_frames, IsComplete: true, Failure: null);
                }

                if (fde is null)
                {
                    string parse = table.ParseError is null ? "" : $"; its table is damaged: {table.ParseError}";
                    return Fail($"frame {index}: no unwind information for pc 0x{pc:x} in {region.Name} (link-time 0x{linkPc:x}): {findError ?? "no FDE covers it"}{parse}");
                }

                FrameStep step;
                try
                {
                    step = fde.IsSignalFrame
                        ? FrameStep.ThroughSignalFrame(registers, stack)
                        : FrameStep.WithCfi(table, fde, linkPc, registers, stack);
                }
                catch (UnwindException e)
                {
                    return Fail($"frame {index} (pc 0x{pc:x} in {region.Name}): {e.Message}");
                }
                catch (Exception e) when (e is DwarfFormatException or ArithmeticException)
                {
                    return Fail($"frame {index} (pc 0x{pc:x} in {region.Name}): malformed call frame information in the FDE at offset 0x{fde.Offset:x}: {e.Message}");
                }

                // A signal frame's CFA is the interrupted rsp, which may be on another stack (sigaltstack).
                if (index > 0 && !fde.IsSignalFrame && step.Cfa <= previousCfa)
                {
                    return Fail($"frame {index} (pc 0x{pc:x} in {region.Name}): stack does not grow (cfa 0x{step.Cfa:x} is not above the previous frame's 0x{previousCfa:x})");
                }

                _frames.Add(new StackFrame(pc, step.Cfa, region.Name, fde.IsSignalFrame) { IsReturnAddress = !exactPc });
                if (step.IsOutermost)
                {
                    return new UnwindResult(_frames, IsComplete: true, Failure: null);
                }

                registers = step.Caller;
                if (registers.Get(DwarfRegisters.Rip) == 0)
                {
                    return Fail($"frame {index + 1}: return address is 0 (read from the frame at cfa 0x{step.Cfa:x}), but the code did not mark the outermost frame");
                }

                exactPc = fde.IsSignalFrame;
                previousCfa = step.Cfa;
            }
        }

        private UnwindResult Fail(string reason) => new(_frames, IsComplete: false, Failure: reason);
    }
}
