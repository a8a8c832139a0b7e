using System.Buffers.Binary;

namespace Suture.Elf;

/// <summary>Walks ELF note entries (Elf64_Nhdr + name + descriptor) in a note section or segment.</summary>
public static class ElfNotes
{
    private const uint BuildIdType = 3;

    /// <summary>
    /// The descriptor of the first NT_GNU_BUILD_ID note owned by "GNU", or null. Malformed notes end
    /// the walk rather than fail: a missing Build ID is reported by the caller.
    /// </summary>
    public static byte[]? FindBuildId(ReadOnlySpan<byte> notes, ulong alignment)
    {
        long align = alignment == 8 ? 8 : 4;
        long position = 0;
        while (position + 12 <= notes.Length)
        {
            ReadOnlySpan<byte> header = notes[(int)position..];
            uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(header);
            uint descriptorSize = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            long nameStart = position + 12;
            long descriptorStart = nameStart + AlignUp(nameSize, align);
            long descriptorEnd = descriptorStart + descriptorSize;
            if (descriptorEnd > notes.Length)
            {
                return null;
            }

            if (type == BuildIdType && nameSize == 4 && notes.Slice((int)nameStart, 4).SequenceEqual("GNU\0"u8))
            {
                return descriptorSize == 0 ? null : notes[(int)descriptorStart..(int)descriptorEnd].ToArray();
            }

            position = descriptorStart + AlignUp(descriptorSize, align);
        }

        return null;
    }

    private static long AlignUp(uint value, long align) => (value + align - 1) & ~(align - 1);
}
