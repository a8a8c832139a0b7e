using Suture.Format;
using Suture.Patching.Engine.Safety;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.X86;

namespace Suture.Patching.Engine.Entries;

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

    /// <summary>
    /// Checks that the entry holds the bytes the patch was built against, or the jump of the
    /// level <paramref name="current"/> that it replaces.
    /// </summary>
    public void Verify(int pid, ProcessMemory memory, AppliedPatch? current)
    {
        byte[] actual = memory.Read(Address, Function.ExpectedBytes.Length);
        byte[]? jump = EntryWriter.JumpOf(current, Address);
        if (actual.AsSpan().SequenceEqual(jump ?? Function.ExpectedBytes))
        {
            if (jump is not null && !current!.Functions.First(f => f.EntryAddress == Address).SavedBytes.AsSpan().SequenceEqual(Function.ExpectedBytes))
            {
                throw new SutureException($"{Function.Symbol} in process {pid}: the running level {current.PatchId} saved other original bytes than this patch expects; they were built for different binaries", ExitCode.TargetMismatch);
            }

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
