using Suture.Process.Memory;

namespace Suture.Patching.State;

/// <summary>
/// Finds the patches applied to a process: each lives in a mapping of a memfd named
/// <c>suture:ID</c> (visible in /proc/PID/maps), whose read-only part holds the record.
/// </summary>
internal static class AppliedPatchReader
{
    public const string MemfdPrefix = "suture:";
    public const string MapsPrefix = "/memfd:" + MemfdPrefix;

    /// <summary>The records of switched-to patches (active and superseded), oldest first.</summary>
    public static IReadOnlyList<AppliedPatch> Read(IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory) =>
        Scan(mappings, memory).Applied;

    /// <summary>Every record in every phase, and every suture memfd whose record does not decode.</summary>
    public static PatchRecords Scan(IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory)
    {
        var records = new List<AppliedPatch>();
        var unreadable = new List<UnreadableRecord>();
        foreach (IGrouping<(string Device, ulong Inode), MemoryMapping> memfd in mappings
            .Where(m => m.Path.StartsWith(MapsPrefix, StringComparison.Ordinal))
            .GroupBy(m => (m.Device, m.Inode)))
        {
            MemoryMapping? state = memfd.FirstOrDefault(m => m.Permissions == "r--p");
            string? problem = "it has no read-only record mapping";
            if (state is not null && TryReadRecord(memory, state.Start, state.Size, out problem) is { } patch)
            {
                records.Add(patch);
                continue;
            }

            string name = memfd.First().Path[MapsPrefix.Length..];
            name = name.EndsWith(" (deleted)", StringComparison.Ordinal) ? name[..^" (deleted)".Length] : name;
            bool empty = state is not null && IsEmpty(state, memory);
            unreadable.Add(new UnreadableRecord(name, memfd.Min(m => m.Start), memfd.Max(m => m.End), problem!, memfd.ToList(), empty));
        }

        return new PatchRecords(records.OrderBy(p => p.AppliedUtc).ToList(), unreadable);
    }

    private static bool IsEmpty(MemoryMapping state, ProcessMemory memory)
    {
        byte[] bytes = new byte[(int)Math.Min(state.Size, 1 << 20)];
        return memory.TryRead(state.Start, bytes) && !bytes.AsSpan().ContainsAnyExcept((byte)0);
    }

    /// <summary>
    /// The record at <paramref name="address"/> (in a mapping of <paramref name="size"/> bytes), with
    /// its <see cref="AppliedPatch.RecordAddress"/> set; null with <paramref name="problem"/> saying why not.
    /// </summary>
    internal static AppliedPatch? TryReadRecord(ProcessMemory memory, ulong address, ulong size, out string? problem)
    {
        byte[] header = new byte[AppliedPatchCodec.HeaderSize];
        if (!memory.TryRead(address, header))
        {
            problem = $"its record at 0x{address:x} cannot be read";
            return null;
        }

        int length = AppliedPatchCodec.ReadHeader(header, out uint version, out problem);
        if (length < 0)
        {
            return null;
        }

        if ((ulong)length > size - AppliedPatchCodec.HeaderSize)
        {
            problem = $"the record announces {length} bytes, more than its {size}-byte mapping holds";
            return null;
        }

        byte[] body = new byte[length];
        if (!memory.TryRead(address + AppliedPatchCodec.HeaderSize, body))
        {
            problem = $"its record at 0x{address:x} cannot be read";
            return null;
        }

        AppliedPatch? patch = AppliedPatchCodec.TryDecode(body, version);
        problem = patch is null ? $"its version {version} record does not decode (corrupt)" : null;
        return patch is null ? null : patch with { RecordAddress = address };
    }
}
