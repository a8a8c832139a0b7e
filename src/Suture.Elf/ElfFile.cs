using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>
/// A decoded x86-64 little-endian ELF64 file: headers, sections, segments, symbols (with GNU
/// versions), relocations and Build ID. Every offset and count taken from the file is checked
/// against the data and <see cref="ElfReadLimits"/>; malformed input raises
/// <see cref="ElfFormatException"/> from <see cref="Read"/> and nothing else, and the decoded
/// object never throws for malformed data afterwards.
/// </summary>
public sealed partial class ElfFile
{
    private readonly ElfImage _image;

    private ElfFile(ElfImage image)
    {
        _image = image;
        if (image.Length > (ulong)image.Limits.MaxFileSize)
        {
            throw image.Error($"file is {image.Length} bytes, larger than the limit of {image.Limits.MaxFileSize} bytes");
        }

        if (!ElfHeader.TryParse(image.Data.Span, out ElfHeader header, out string? error))
        {
            throw image.Error(error!);
        }

        Type = header.Type;
        Machine = header.Machine;
        Entry = header.Entry;
        _segments = ReadSegments(header);
        _sections = ReadSections(header);
        LoadBase = ComputeLoadBase();
        (_symbols, _dynamicSymbols) = ReadSymbolTables();
        _relocationCache = new ElfRelocation[]?[_sections.Length];
        ValidateRelocationSections();
        BuildId = FindBuildId();
    }

    /// <summary>The name given to <see cref="Read"/> or the path given to <see cref="Load"/>.</summary>
    public string? Name => _image.Name;

    public ElfFileType Type { get; }

    /// <summary><c>e_machine</c>; always 62 (x86-64) for a file that was read.</summary>
    public ushort Machine { get; }

    public ulong Entry { get; }

    /// <summary>Decodes <paramref name="data"/>; <paramref name="name"/> is used in error messages.</summary>
    public static ElfFile Read(ReadOnlyMemory<byte> data, string? name = null, ElfReadLimits? limits = null) =>
        new(new ElfImage(data, name, limits ?? ElfReadLimits.Default));

    /// <summary>Like <see cref="Read"/>, but reports malformed input as <paramref name="error"/>.</summary>
    public static bool TryRead(
        ReadOnlyMemory<byte> data,
        string? name,
        [NotNullWhen(true)] out ElfFile? file,
        [NotNullWhen(false)] out string? error,
        ElfReadLimits? limits = null)
    {
        try
        {
            file = Read(data, name, limits);
            error = null;
            return true;
        }
        catch (ElfFormatException exception)
        {
            file = null;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>Reads the whole file at <paramref name="path"/> and decodes it.</summary>
    /// <exception cref="ElfFormatException">The file is not a valid x86-64 ELF64 file.</exception>
    /// <exception cref="SutureException">The file cannot be read.</exception>
    public static ElfFile Load(string path, ElfReadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        limits ??= ElfReadLimits.Default;
        byte[] data = ElfFileAccess.Run(path, () =>
        {
            long length = new FileInfo(path).Length;
            if (length > limits.MaxFileSize || length > Array.MaxLength)
            {
                throw new ElfFormatException(
                    $"{path}: file is {length} bytes, larger than the limit of {Math.Min(limits.MaxFileSize, Array.MaxLength)} bytes");
            }

            return File.ReadAllBytes(path);
        });
        return Read(data, path, limits);
    }
}
