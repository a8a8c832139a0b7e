using System.Text;

namespace Suture.Elf;

/// <summary>The bytes being decoded, with bounds checks and errors that name the file.</summary>
internal sealed class ElfImage
{
    public ElfImage(ReadOnlyMemory<byte> data, string? name, ElfReadLimits limits)
    {
        Data = data;
        Name = name;
        Limits = limits;
    }

    public ReadOnlyMemory<byte> Data { get; }

    public string? Name { get; }

    public ElfReadLimits Limits { get; }

    public ulong Length => (ulong)Data.Length;

    public ElfFormatException Error(string message) => new($"{Name ?? "ELF image"}: {message}");

    /// <summary>True when [offset, offset + size) lies inside the file, without overflowing.</summary>
    public bool Fits(ulong offset, ulong size) => offset <= Length && size <= Length - offset;

    /// <summary>The bytes at [offset, offset + size), which the caller has checked with <see cref="Fits"/>.</summary>
    public ReadOnlyMemory<byte> Slice(ulong offset, ulong size) => Data.Slice((int)offset, (int)size);

    /// <summary>A range error in the house format: "{what} runs past the end of the N-byte file".</summary>
    public ElfFormatException PastEnd(string what) => Error($"{what} runs past the end of the {Length}-byte file");

    /// <summary>Reads the NUL-terminated string at <paramref name="offset"/> of a string table.</summary>
    public string ReadString(ReadOnlySpan<byte> table, ulong offset, string tableName, string owner)
    {
        if (offset == 0 && (table.IsEmpty || table[0] == 0))
        {
            return string.Empty;
        }

        if (offset >= (ulong)table.Length)
        {
            throw Error($"{owner} has name offset 0x{offset:x}, outside the {table.Length}-byte string table {tableName}");
        }

        ReadOnlySpan<byte> rest = table[(int)offset..];
        int window = Math.Min(rest.Length, Limits.MaxStringLength + 1);
        int end = rest[..window].IndexOf((byte)0);
        if (end < 0)
        {
            throw window == rest.Length
                ? Error($"{owner} has a name at offset 0x{offset:x} of string table {tableName} that is not NUL-terminated")
                : Error($"{owner} has a name at offset 0x{offset:x} of string table {tableName} longer than the limit of {Limits.MaxStringLength} bytes");
        }

        return Encoding.UTF8.GetString(rest[..end]);
    }
}
