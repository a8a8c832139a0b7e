using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Tracing;
using Suture.X86;

namespace Suture.Patching.Engine;

/// <summary>
/// Removes an applied patch from a process. With every thread stopped and none executing the
/// patch's code, the saved entry bytes are written back and the record is cleared; the memory,
/// now unreachable, is unmapped afterwards with one thread stopped.
/// </summary>
public static class PatchReverter
{
    /// <summary>Reverts the patch <paramref name="patchId"/>, or the newest one. Call on the tracer thread.</summary>
    public static AppliedPatch Revert(int pid, string? patchId, OperationOptions options)
    {
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: true);
        IReadOnlyList<AppliedPatch> applied = AppliedPatchReader.Read(mappings, memory);
        AppliedPatch patch = (patchId is null ? (applied.Count > 0 ? applied[^1] : null) : applied.LastOrDefault(p => p.PatchId == patchId))
            ?? throw new SutureException(
                patchId is null ? $"nothing to revert: process {pid} runs no suture patch" : $"nothing to revert: process {pid} does not run patch {patchId}",
                ExitCode.NothingToRevert);
        ulong syscall = SyscallInstructionFinder.Find(memory, mappings);
        var ranges = new[] { new CodeRange($"the new code of patch {patch.PatchId}", patch.Base, patch.Base + patch.CodeSize) };

        QuiescentStop.Run(pid, "revert", ranges, options, stopped =>
        {
            foreach (AppliedFunction function in patch.Functions)
            {
                byte[] expected = Jump.Encode(function.EntryAddress, function.NewAddress);
                byte[] actual = memory.Read(function.EntryAddress, expected.Length);
                if (!actual.AsSpan().SequenceEqual(expected))
                {
                    throw new SutureException(
                        $"{function.Symbol} at 0x{function.EntryAddress:x} in process {pid} no longer jumps to patch {patch.PatchId} (found {Convert.ToHexStringLower(actual)}); something else changed it; not reverting",
                        ExitCode.TargetMismatch);
                }
            }

            foreach (AppliedFunction function in patch.Functions)
            {
                memory.Write(function.EntryAddress, function.SavedBytes);
            }

            memory.Write(patch.Base + patch.MappedSize - StateSize(patch), new byte[AppliedPatchCodec.HeaderSize]);
            return 0;
        });

        using StoppedProcess one = StoppedProcess.StopOneThread(pid);
        using var syscalls = new RemoteSyscalls(one, syscall);
        RemoteMapper.Unmap(syscalls, patch.Base, patch.MappedSize);
        return patch;
    }

    /// <summary>The record's mapping is the last part of the patch memory, after code and data.</summary>
    private static ulong StateSize(AppliedPatch patch) =>
        Format.PatchImage.AlignUp((ulong)AppliedPatchCodec.Encode(patch).Length, Format.PatchImage.PageSize);
}
