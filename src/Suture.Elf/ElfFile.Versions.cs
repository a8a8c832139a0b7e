using System.Buffers.Binary;

namespace Suture.Elf;

public sealed partial class ElfFile
{
    private const ushort VersionHidden = 0x8000;
    private const ushort VersionIndexMask = 0x7fff;
    private const int VerdefLength = 20;
    private const int VerdauxLength = 8;
    private const int VerneedLength = 16;
    private const int VernauxLength = 16;

    /// <summary>
    /// Per dynamic symbol, the version name and hidden bit from .gnu.version, with names from
    /// .gnu.version_d (definitions) and .gnu.version_r (requirements). Null without .gnu.version.
    /// </summary>
    private (string? Name, bool Hidden)[]? ReadVersions(ElfSection dynsym, int count)
    {
        ElfSection? versym = null;
        foreach (ElfSection section in _sections)
        {
            if (section.Type == ElfSectionType.GnuVerSym && section.Link == (uint)dynsym.Index)
            {
                versym = section;
                break;
            }
        }

        if (versym is null)
        {
            return null;
        }

        if (versym.EntrySize != 2)
        {
            throw _image.Error($"symbol version table {versym.Name} (section {versym.Index}) has entry size {versym.EntrySize}, expected 2");
        }

        var names = new Dictionary<int, string>();
        foreach (ElfSection section in _sections)
        {
            if (section.Type == ElfSectionType.GnuVerDef)
            {
                ReadVersionDefinitions(section, names);
            }
            else if (section.Type == ElfSectionType.GnuVerNeed)
            {
                ReadVersionRequirements(section, names);
            }
        }

        var versions = new (string? Name, bool Hidden)[count];
        ReadOnlySpan<byte> entries = versym.Data.Span;
        int available = Math.Min(count, entries.Length / 2);
        for (int i = 0; i < available; i++)
        {
            ushort value = BinaryPrimitives.ReadUInt16LittleEndian(entries[(i * 2)..]);
            int index = value & VersionIndexMask;
            if (index >= 2 && names.TryGetValue(index, out string? name))
            {
                versions[i] = (name, (value & VersionHidden) != 0);
            }
        }

        return versions;
    }

    private void ReadVersionDefinitions(ElfSection section, Dictionary<int, string> names)
    {
        ElfSection stringTable = LinkedStringTable(section);
        ReadOnlySpan<byte> strings = stringTable.Data.Span;
        ReadOnlySpan<byte> data = section.Data.Span;
        ulong offset = 0;
        for (uint i = 0; i < section.Info; i++)
        {
            ReadOnlySpan<byte> entry = VersionEntry(section, data, offset, VerdefLength, $"version definition {i}");
            ushort index = BinaryPrimitives.ReadUInt16LittleEndian(entry[4..]);
            ushort auxCount = BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]);
            uint aux = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]);
            if (auxCount > 0)
            {
                ReadOnlySpan<byte> first = VersionEntry(section, data, offset + aux, VerdauxLength, $"auxiliary entry of version definition {i}");
                uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(first);
                names[index & VersionIndexMask] = _image.ReadString(strings, nameOffset, stringTable.Name, $"version definition {i} of {section.Name}");
            }

            if (next == 0)
            {
                break;
            }

            offset += next;
        }
    }

    private void ReadVersionRequirements(ElfSection section, Dictionary<int, string> names)
    {
        ElfSection stringTable = LinkedStringTable(section);
        ReadOnlySpan<byte> strings = stringTable.Data.Span;
        ReadOnlySpan<byte> data = section.Data.Span;
        ulong offset = 0;
        int budget = data.Length / VernauxLength;
        for (uint i = 0; i < section.Info; i++)
        {
            ReadOnlySpan<byte> entry = VersionEntry(section, data, offset, VerneedLength, $"version requirement {i}");
            ushort auxCount = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]);
            uint aux = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
            ulong auxOffset = offset + aux;
            for (int j = 0; j < auxCount; j++)
            {
                if (--budget < 0)
                {
                    throw _image.Error($"{section.Name} (section {section.Index}) lists more version requirements than fit in its {data.Length} bytes");
                }

                ReadOnlySpan<byte> vernaux = VersionEntry(section, data, auxOffset, VernauxLength, $"auxiliary entry {j} of version requirement {i}");
                ushort index = BinaryPrimitives.ReadUInt16LittleEndian(vernaux[6..]);
                uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(vernaux[8..]);
                uint auxNext = BinaryPrimitives.ReadUInt32LittleEndian(vernaux[12..]);
                names[index & VersionIndexMask] = _image.ReadString(strings, nameOffset, stringTable.Name, $"version requirement {i} of {section.Name}");
                if (auxNext == 0)
                {
                    break;
                }

                auxOffset += auxNext;
            }

            if (next == 0)
            {
                break;
            }

            offset += next;
        }
    }

    private ReadOnlySpan<byte> VersionEntry(ElfSection section, ReadOnlySpan<byte> data, ulong offset, int length, string what)
    {
        if (offset > (ulong)data.Length || (ulong)length > (ulong)data.Length - offset)
        {
            throw _image.Error($"{what} at offset 0x{offset:x} of {section.Name} (section {section.Index}) runs past the end of the {data.Length}-byte section");
        }

        return data.Slice((int)offset, length);
    }
}
