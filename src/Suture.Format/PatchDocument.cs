using Suture.Format.Reading;

namespace Suture.Format;

/// <summary>
/// A patch file read and checked, with its identity: the SHA-256 over its content that the file
/// carries and the reader verified (recorded in the target on apply, shown by status), and the
/// bytes it was read from (what a signature covers). <see cref="Load"/> (a file) and
/// <see cref="Read"/> (bytes in hand, e.g. received or just signed) are the one way to read a patch.
/// </summary>
public sealed record PatchDocument(string Path, PatchFile Patch, string Sha256)
{
    /// <summary>The file exactly as read.</summary>
    public ReadOnlyMemory<byte> Bytes { get; private init; }

    /// <summary>The file's sections in file order, as the reader walked them, the final HASH included.</summary>
    public IReadOnlyList<PatchFileSection> Sections { get; private init; } = [];

    /// <summary>The first section named <paramref name="name"/> (four characters, e.g. <c>sign</c>), or null.</summary>
    /// <exception cref="ArgumentException">The name is not four printable ASCII characters.</exception>
    public PatchFileSection? FindSection(string name)
    {
        uint tag = PatchFileSection.TagOf(name);
        foreach (PatchFileSection section in Sections)
        {
            if (section.Tag == tag)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>The payload of one of this document's sections.</summary>
    public ReadOnlySpan<byte> Payload(PatchFileSection section) => Bytes.Span.Slice(section.PayloadOffset, section.PayloadLength);

    /// <summary>Reads and checks the patch file at <paramref name="path"/>.</summary>
    /// <param name="limits">Caps on declared sizes; <see cref="PatchReadLimits.Default"/> when null.</param>
    /// <exception cref="SutureException">
    /// The file is missing or not a regular file (<see cref="ExitCode.Failure"/>; a FIFO or device
    /// is refused before it is read), cannot be read or is not a valid patch
    /// (<see cref="ExitCode.CorruptPatch"/>; a <see cref="PatchFormatException"/> for the latter).
    /// A file larger than <see cref="PatchReadLimits.MaxFileSize"/> is refused before it is read.
    /// </exception>
    public static PatchDocument Load(string path, PatchReadLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits ??= PatchReadLimits.Default;
        return Read(PatchReader.ReadFile(path, limits.MaxFileSize), path, limits);
    }

    /// <summary>Checks <paramref name="bytes"/>, a whole patch file, named <paramref name="path"/> in messages.</summary>
    /// <exception cref="PatchFormatException">The bytes are not a valid v1 patch.</exception>
    public static PatchDocument Read(byte[] bytes, string path, PatchReadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var sections = new List<PatchFileSection>();
        PatchFile patch = PatchReader.Read(bytes, path, limits, sections);
        return new PatchDocument(path, patch, Convert.ToHexStringLower(bytes.AsSpan(bytes.Length - Suture.Sha256.HashSize))) { Bytes = bytes, Sections = sections };
    }
}
