using Suture.Native;

namespace Suture.Patching.Engine;

/// <summary>Looks at the instruction pointer only (no unwinding); used where no stack walk is possible.</summary>
public sealed class InstructionPointerWalker : IStackWalker
{
    public static readonly InstructionPointerWalker Instance = new();

    public ThreadFrames Walk(in UserRegs registers) => new([registers.Rip], null);
}
