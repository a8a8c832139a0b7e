namespace Suture.Patching.Engine;

/// <summary>A thread that prevents switching code: it executes code that is about to change.</summary>
public sealed record BusyThread(int Tid, string Name, string Function, ulong InstructionPointer)
{
    public override string ToString() => $"thread {Tid} ({Name}) is in {Function} at 0x{InstructionPointer:x}";
}
