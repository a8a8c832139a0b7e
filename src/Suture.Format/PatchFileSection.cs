using System.Buffers.Binary;
using System.Text;

namespace Suture.Format;

/// <summary>
/// One section as it lies in a patch file (docs/patch-format.md, "Sections"): its tag, where its
/// 12-byte header starts and its payload's extent. The reader records every section it walks,
/// the ones it skips and the final <c>HASH</c> included (<see cref="PatchDocument.Sections"/>), so
/// code that handles an optional section of its own (the <c>sign</c> section of Suture.Trust)
/// finds it without walking the file again.
/// </summary>
public readonly record struct PatchFileSection(uint Tag, int Offset, int PayloadOffset, int PayloadLength)
{
    /// <summary>The first byte after the section.</summary>
    public int End => PayloadOffset + PayloadLength;

    /// <summary>The tag's four characters, e.g. <c>sign</c> (as bytes, Latin-1).</summary>
    public string Name => Encoding.Latin1.GetString(BitConverter.GetBytes(Tag));

    /// <summary>Whether a reader that does not know the section may skip it (its tag starts with a lower-case letter).</summary>
    public bool IsOptional => PatchSection.MayIgnore(Tag);

    /// <summary>The tag of a section name: four ASCII characters read as a little-endian u32.</summary>
    /// <exception cref="ArgumentException">The name is not four printable ASCII characters.</exception>
    public static uint TagOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 4 && name.All(c => c is >= '!' and <= '~')
            ? BinaryPrimitives.ReadUInt32LittleEndian(Encoding.ASCII.GetBytes(name))
            : throw new ArgumentException($"a section name is four printable ASCII characters, not '{name}'", nameof(name));
    }
}
