using Suture.Process.Memory;

namespace Suture.Patching.State;

/// <summary>
/// Finds the patches applied to a process: each lives in a mapping of a memfd named
/// <c>suture:ID</c> (visible in /proc/PID/maps), whose read-only part holds the record.
/// </summary>
public static class AppliedPatchReader
{
    public const string MemfdPrefix = "suture:";
    private const string MapsPrefix = "/memfd:" + MemfdPrefix;

    public static IReadOnlyList<AppliedPatch> Read(IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory)
    {
        var result = new List<AppliedPatch>();
        foreach (MemoryMapping mapping in mappings)
        {
            if (!mapping.Path.StartsWith(MapsPrefix, StringComparison.Ordinal) || mapping.Permissions != "r--p")
            {
                continue;
            }

            byte[] header = new byte[AppliedPatchCodec.HeaderSize];
            if (!memory.TryRead(mapping.Start, header))
            {
                continue;
            }

            int length = AppliedPatchCodec.ReadBodyLength(header);
            if (length < 0 || (ulong)length > mapping.Size - AppliedPatchCodec.HeaderSize)
            {
                continue;
            }

            byte[] body = new byte[length];
            if (memory.TryRead(mapping.Start + AppliedPatchCodec.HeaderSize, body) && AppliedPatchCodec.TryDecode(body) is { } patch)
            {
                result.Add(patch with { RecordAddress = mapping.Start });
            }
        }

        return result.OrderBy(p => p.AppliedUtc).ToList();
    }
}
