using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Suture.Build.Workspace;

/// <summary>
/// The members of a Unix <c>ar</c> archive (<c>libfoo.a</c>), read from the file itself so it
/// does not matter which tool wrote it (make's <c>ar</c>, CMake's absolute <c>CMAKE_AR</c>,
/// <c>llvm-ar</c>). Understands the GNU/SysV format (<c>"!&lt;arch&gt;\n"</c>, 60-byte member
/// headers, names ending in <c>/</c>, the <c>//</c> long-name table, the <c>/</c> and
/// <c>/SYM64/</c> symbol tables), BSD long names (<c>#1/LEN</c>) and GNU thin archives
/// (<c>"!&lt;thin&gt;\n"</c>, members are paths to the object files, not stored).
/// </summary>
internal sealed class ArArchive
{
    public const int MaxMembers = 1 << 20;

    private const int HeaderLength = 60;

    private static readonly byte[] Magic = "!<arch>\n"u8.ToArray();
    private static readonly byte[] ThinMagic = "!<thin>\n"u8.ToArray();

    private readonly ReadOnlyMemory<byte> _data;

    private ArArchive(ReadOnlyMemory<byte> data, bool isThin, IReadOnlyList<ArArchiveMember> members)
    {
        _data = data;
        IsThin = isThin;
        Members = members;
    }

    /// <summary>True for a GNU thin archive: member names are paths (relative to the archive) and no data is stored.</summary>
    public bool IsThin { get; }

    /// <summary>The object members in archive order; symbol and name tables are left out.</summary>
    public IReadOnlyList<ArArchiveMember> Members { get; }

    /// <summary>True when <paramref name="data"/> starts with an archive's magic string.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith(Magic) || data.StartsWith(ThinMagic);

    /// <summary>The bytes of <paramref name="member"/>; empty in a thin archive (read the file the name points to).</summary>
    public ReadOnlyMemory<byte> Data(ArArchiveMember member) => IsThin ? ReadOnlyMemory<byte>.Empty : _data.Slice((int)member.Offset, (int)member.Size);

    /// <summary>Decodes <paramref name="data"/>; malformed input is reported in <paramref name="error"/>, naming <paramref name="name"/> and the offset.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> data, string name, [NotNullWhen(true)] out ArArchive? archive, [NotNullWhen(false)] out string? error)
    {
        archive = null;
        ReadOnlySpan<byte> bytes = data.Span;
        bool thin = bytes.StartsWith(ThinMagic);
        if (!thin && !bytes.StartsWith(Magic))
        {
            error = $"{name} is not an ar archive (it does not start with \"!<arch>\\n\")";
            return false;
        }

        var members = new List<ArArchiveMember>();
        ReadOnlySpan<byte> longNames = default;
        long offset = Magic.Length;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset == 1 && bytes[(int)offset] == (byte)'\n')
            {
                break; // padding after an odd-sized last member
            }

            if (!TryReadHeader(bytes, offset, name, out string rawName, out long size, out error))
            {
                return false;
            }

            long dataOffset = offset + HeaderLength;
            bool isTable = rawName is "/" or "//" or "/SYM64/" or "__.SYMDEF" or "__.SYMDEF SORTED";
            bool stored = !thin || isTable;
            if (stored && size > bytes.Length - dataOffset)
            {
                error = $"{name}: member at offset {offset} has size {size}, past the end of the {bytes.Length}-byte archive";
                return false;
            }

            if (rawName == "//")
            {
                longNames = bytes.Slice((int)dataOffset, (int)size);
            }
            else if (!isTable)
            {
                if (members.Count == MaxMembers)
                {
                    error = $"{name} has more than {MaxMembers} members";
                    return false;
                }

                if (!TryMemberName(rawName, longNames, bytes, dataOffset, size, offset, name, out string memberName, out int nameBytes, out error))
                {
                    return false;
                }

                members.Add(new ArArchiveMember(memberName, dataOffset + nameBytes, size - nameBytes));
            }

            offset = dataOffset + (stored ? size + (size & 1) : 0);
        }

        archive = new ArArchive(data, thin, members);
        error = null;
        return true;
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> bytes, long offset, string name, out string rawName, out long size, [NotNullWhen(false)] out string? error)
    {
        rawName = "";
        size = 0;
        if (bytes.Length - offset < HeaderLength)
        {
            error = $"{name}: member header at offset {offset} is truncated ({bytes.Length - offset} of {HeaderLength} bytes)";
            return false;
        }

        ReadOnlySpan<byte> header = bytes.Slice((int)offset, HeaderLength);
        if (header[58] != (byte)'`' || header[59] != (byte)'\n')
        {
            error = $"{name}: member header at offset {offset} does not end with \"`\\n\"";
            return false;
        }

        rawName = Encoding.ASCII.GetString(header[..16]).TrimEnd(' ');
        string sizeText = Encoding.ASCII.GetString(header.Slice(48, 10)).Trim(' ');
        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size))
        {
            error = $"{name}: member header at offset {offset} has size \"{sizeText}\", not a decimal number";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryMemberName(string rawName, ReadOnlySpan<byte> longNames, ReadOnlySpan<byte> bytes, long dataOffset, long size, long offset, string name, out string memberName, out int nameBytes, [NotNullWhen(false)] out string? error)
    {
        memberName = rawName;
        nameBytes = 0;
        error = null;
        if (rawName.StartsWith("#1/", StringComparison.Ordinal))
        {
            // BSD: the name is the first LEN bytes of the data.
            if (!int.TryParse(rawName.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out nameBytes) || nameBytes > size)
            {
                error = $"{name}: member at offset {offset} has BSD name \"{rawName}\" longer than its {size} bytes";
                return false;
            }

            memberName = Encoding.UTF8.GetString(bytes.Slice((int)dataOffset, nameBytes)).TrimEnd('\0');
            return true;
        }

        if (rawName.Length > 1 && rawName[0] == '/')
        {
            // GNU: "/N" is the name at offset N of the "//" table, ended by "/\n" (or "\n").
            if (!int.TryParse(rawName.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int at) || at >= longNames.Length)
            {
                error = $"{name}: member at offset {offset} names entry \"{rawName}\" of the long-name table, which has {longNames.Length} bytes";
                return false;
            }

            ReadOnlySpan<byte> rest = longNames[at..];
            int end = rest.IndexOf((byte)'\n');
            memberName = Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]).TrimEnd('/');
            return true;
        }

        memberName = rawName.EndsWith('/') ? rawName[..^1] : rawName;
        return true;
    }
}
