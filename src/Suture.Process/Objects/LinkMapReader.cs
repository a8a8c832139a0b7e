using System.Buffers.Binary;
using Suture.Process.Memory;

namespace Suture.Process.Objects;

/// <summary>
/// Reads the dynamic linker's chain of loaded objects from a process's memory:
/// <c>struct r_debug { int r_version; struct link_map *r_map; ... }</c> and the public part of
/// each <c>struct link_map { l_addr, l_name, l_ld, l_next, l_prev }</c> (8-byte fields on
/// x86-64), matching each entry to a <see cref="LoadedObject"/> by its dynamic section. The
/// process keeps running, and its memory is untrusted: the walk is bounded, detects cycles and
/// reports a broken chain as <see cref="LinkMap.Problem"/>, never by throwing.
/// </summary>
public static class LinkMapReader
{
    public const int MaxEntries = 4096;

    private const int MaxNameLength = 4096;
    private const int NameChunk = 256;
    private const int LinkMapLength = 40;
    private const int RDebugLength = 16;

    public static LinkMap Read(int pid, ProcessMemory memory, IReadOnlyList<LoadedObject> objects)
    {
        ulong? rendezvous = DebugRendezvous.Find(pid, memory, objects, out string? problem);
        return rendezvous is ulong address ? ReadAt(address, memory, objects) : LinkMap.Unavailable(problem ?? "no r_debug");
    }

    /// <summary>The chain that the <c>struct r_debug</c> at <paramref name="rendezvous"/> starts.</summary>
    public static LinkMap ReadAt(ulong rendezvous, ProcessMemory memory, IReadOnlyList<LoadedObject> objects)
    {
        Span<byte> header = stackalloc byte[RDebugLength];
        if (!memory.TryRead(rendezvous, header))
        {
            return LinkMap.Unavailable($"cannot read struct r_debug at 0x{rendezvous:x}");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header);
        ulong next = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (version < 1 || next == 0)
        {
            return LinkMap.Unavailable($"struct r_debug at 0x{rendezvous:x} has r_version {version} and r_map 0x{next:x}; the dynamic linker has not set it up");
        }

        var entries = new List<LinkMapEntry>();
        var seen = new HashSet<ulong>();
        Span<byte> node = stackalloc byte[LinkMapLength];
        for (; next != 0; next = BinaryPrimitives.ReadUInt64LittleEndian(node[24..]))
        {
            string? problem = entries.Count >= MaxEntries ? $"the chain has more than {MaxEntries} entries; the rest is ignored"
                : !seen.Add(next) ? $"entry {entries.Count} of the chain points back to the entry at 0x{next:x}"
                : !memory.TryRead(next, node) ? $"cannot read entry {entries.Count} of the chain at 0x{next:x}"
                : null;
            if (problem is not null)
            {
                return new LinkMap(entries, problem);
            }

            ulong bias = BinaryPrimitives.ReadUInt64LittleEndian(node);
            ulong dynamic = BinaryPrimitives.ReadUInt64LittleEndian(node[16..]);
            string name = ReadName(memory, BinaryPrimitives.ReadUInt64LittleEndian(node[8..]));
            entries.Add(new LinkMapEntry(next, bias, name, dynamic, Match(objects, bias, dynamic)));
        }

        return new LinkMap(entries, null);
    }

    /// <summary>The object whose mappings hold the entry's dynamic section, preferring one with the same load bias.</summary>
    private static LoadedObject? Match(IReadOnlyList<LoadedObject> objects, ulong bias, ulong dynamic)
    {
        if (dynamic == 0)
        {
            return null;
        }

        var holders = objects.Where(o => o.Mappings.Any(m => m.Contains(dynamic))).ToList();
        return holders.FirstOrDefault(o => o.Bias == bias) ?? holders.FirstOrDefault();
    }

    /// <summary>A NUL-terminated string (at most <see cref="MaxNameLength"/> bytes of it), read in small chunks that do not cross a page; empty when unreadable.</summary>
    private static string ReadName(ProcessMemory memory, ulong address)
    {
        if (address == 0)
        {
            return "";
        }

        var bytes = new List<byte>();
        Span<byte> chunk = stackalloc byte[NameChunk];
        while (bytes.Count < MaxNameLength)
        {
            int length = (int)Math.Min((ulong)NameChunk, 4096 - (address % 4096));
            if (!memory.TryRead(address, chunk[..length]))
            {
                break;
            }

            int end = chunk[..length].IndexOf((byte)0);
            bytes.AddRange(chunk[..(end < 0 ? length : end)]);
            if (end >= 0)
            {
                break;
            }

            address += (ulong)length;
        }

        return System.Text.Encoding.UTF8.GetString(bytes.ToArray(), 0, Math.Min(bytes.Count, MaxNameLength));
    }
}
