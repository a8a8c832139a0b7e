using System.Buffers.Binary;

namespace Suture.Elf;

/// <summary>
/// One Elf64_Dyn entry of a dynamic section (<c>SHT_DYNAMIC</c>) or segment (<c>PT_DYNAMIC</c>),
/// as read from a file or from a process's memory.
/// </summary>
public readonly record struct ElfDynamicEntry(ElfDynamicTag Tag, ulong Value)
{
    /// <summary>Bytes of one Elf64_Dyn.</summary>
    public const int EntryLength = 16;

    /// <summary>
    /// The entries of <paramref name="data"/> up to <c>DT_NULL</c> (not included) or the last whole
    /// entry, at most <paramref name="maxEntries"/>.
    /// </summary>
    public static IReadOnlyList<ElfDynamicEntry> Parse(ReadOnlySpan<byte> data, int maxEntries = int.MaxValue)
    {
        var entries = new List<ElfDynamicEntry>();
        for (int offset = 0; offset + EntryLength <= data.Length && entries.Count < maxEntries; offset += EntryLength)
        {
            var tag = (ElfDynamicTag)BinaryPrimitives.ReadInt64LittleEndian(data[offset..]);
            if (tag == ElfDynamicTag.Null)
            {
                break;
            }

            entries.Add(new ElfDynamicEntry(tag, BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 8)..])));
        }

        return entries;
    }
}
