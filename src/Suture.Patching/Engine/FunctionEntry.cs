using Suture.Patching.Format;
using Suture.Process.Memory;
using Suture.X86;

namespace Suture.Patching.Engine;

/// <summary>A function of the patch placed at its run-time address in one process.</summary>
internal sealed class FunctionEntry
{
    public FunctionEntry(PatchFunction function, ulong bias)
    {
        Function = function;
        Start = bias + function.OldAddress;
        Address = Start + function.EntryOffset;
        Range = new CodeRange(function.Symbol, Start, Start + function.OldSize);
    }

    public PatchFunction Function { get; }

    /// <summary>Run-time address of the function.</summary>
    public ulong Start { get; }

    /// <summary>Run-time address where the jump goes (after endbr64).</summary>
    public ulong Address { get; }

    public CodeRange Range { get; }

    /// <summary>Checks that the bytes the jump replaces are still the ones the patch was built for.</summary>
    public void Verify(int pid, ProcessMemory memory)
    {
        byte[] actual = memory.Read(Address, Function.ExpectedBytes.Length);
        if (actual.AsSpan().SequenceEqual(Function.ExpectedBytes))
        {
            return;
        }

        string hint = actual[0] == 0xe9
            ? "it was already redirected, perhaps by another live-patching tool"
            : "the running code is not what the patch was built against";
        throw new SutureException(
            $"{Function.Symbol} at 0x{Address:x} in process {pid} starts with {Convert.ToHexStringLower(actual)}, expected {Convert.ToHexStringLower(Function.ExpectedBytes)}: {hint}",
            ExitCode.TargetMismatch);
    }

    public override string ToString() => $"{Function.Symbol}@0x{Address:x} (jump {Jump.Length} bytes)";
}
