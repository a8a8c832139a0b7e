using Suture.Process.Memory;

namespace Suture.Patching.Engine.Placement;

/// <summary>
/// Chooses where to map a patch: a free range from which every byte of the target object is within
/// a 32-bit displacement, preferring the space below the object (away from the brk heap).
/// </summary>
internal static class AddressPlanner
{
    private const ulong Page = 4096;
    private const ulong Reach = (1UL << 31) - (16 * Page);
    private const ulong LowestAddress = 0x10000;
    private const ulong HighestAddress = 0x7fff_ffff_f000;

    public static ulong? FindFreeRange(IReadOnlyList<MemoryMapping> mappings, ulong objectStart, ulong objectEnd, ulong size)
    {
        // Range [start, start+size) is reachable when start + size - objectStart < Reach and objectEnd - start < Reach.
        ulong lowest = Math.Max(LowestAddress, objectEnd > Reach ? objectEnd - Reach : 0);
        ulong highest = Math.Min(HighestAddress, objectStart + Reach);
        var sorted = mappings.OrderBy(m => m.Start).ToList();
        ulong? below = null;
        ulong? above = null;
        ulong previousEnd = 0;
        for (int i = 0; i <= sorted.Count; i++)
        {
            ulong gapStart = Math.Max(previousEnd + Page, lowest); // keep a guard page after the previous mapping
            ulong gapEnd = i < sorted.Count ? sorted[i].Start : HighestAddress;
            gapEnd = Math.Min(gapEnd > Page ? gapEnd - Page : 0, highest);
            if (gapEnd > gapStart && gapEnd - gapStart >= size)
            {
                ulong candidate = (gapEnd - size) & ~(Page - 1); // highest fit in the gap
                if (candidate >= gapStart)
                {
                    if (candidate + size <= objectStart)
                    {
                        below = candidate;
                    }
                    else if (candidate >= objectEnd)
                    {
                        above ??= candidate;
                    }
                }
            }

            if (i < sorted.Count)
            {
                previousEnd = Math.Max(previousEnd, sorted[i].End);
            }
        }

        return below ?? above;
    }
}
