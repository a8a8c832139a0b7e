using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Unwinding;

namespace Suture.Patching.Engine.Safety;

/// <summary>
/// The ranges of a loaded patch's code that a revert must not pull from under a thread, named by
/// function: each redirected function's new code (its extent from the patch's unwind table in the
/// target, else up to the next function's start), then the rest of the code (stubs, functions
/// the patch carries) under the patch's name. <see cref="SafetyCheck"/> names the first range
/// that holds a frame, so a frame in a function's new code is named by that function.
/// </summary>
internal static class NewCodeRanges
{
    public static IReadOnlyList<CodeRange> Of(AppliedPatch patch, ProcessMemory memory)
    {
        EhFrameTable? table = null;
        if (patch.UnwindTableSize is > 0 and < 16 << 20)
        {
            byte[] bytes = new byte[patch.UnwindTableSize];
            if (memory.TryRead(patch.UnwindTable, bytes))
            {
                table = new EhFrameTable(bytes, patch.UnwindTable);
            }
        }

        ulong end = patch.Base + patch.CodeSize;
        List<AppliedFunction> ordered = patch.Functions.Where(f => patch.CodeContains(f.NewAddress)).OrderBy(f => f.NewAddress).ToList();
        var ranges = new List<CodeRange>();
        for (int i = 0; i < ordered.Count; i++)
        {
            AppliedFunction f = ordered[i];
            ulong next = i + 1 < ordered.Count ? ordered[i + 1].NewAddress : end;
            ulong stop = table is not null && table.TryFind(f.NewAddress, out FrameDescriptionEntry? fde, out _) && fde.PcBegin == f.NewAddress && fde.PcEnd <= end
                ? fde.PcEnd
                : next;
            ranges.Add(new CodeRange($"{f.Symbol} in the new code of patch {patch.PatchId}", f.NewAddress, stop));
        }

        ranges.Add(new CodeRange($"the new code of patch {patch.PatchId}", patch.Base, end));
        return ranges;
    }
}
