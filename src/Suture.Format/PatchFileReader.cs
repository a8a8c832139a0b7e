using System.Diagnostics.CodeAnalysis;

namespace Suture.Format;

/// <summary>
/// Reads v1 patch files (docs/patch-format.md). Input is untrusted: whatever the bytes, the only
/// exception thrown is <see cref="PatchFormatException"/>, and nothing is allocated before the
/// count or length that asks for it has been checked against the input left and the limits.
/// </summary>
public static class PatchFileReader
{
    /// <param name="data">The whole file.</param>
    /// <param name="name">File name for messages; "patch" when null.</param>
    /// <param name="limits">Caps on declared sizes; <see cref="PatchReadLimits.Default"/> when null.</param>
    /// <exception cref="PatchFormatException">The bytes are not a valid v1 patch.</exception>
    public static PatchFile Read(ReadOnlySpan<byte> data, string? name = null, PatchReadLimits? limits = null) =>
        PatchFileParser.Parse(data, name ?? "patch", limits ?? PatchReadLimits.Default);

    /// <summary>Like <see cref="Read"/>, but reports a bad file as <paramref name="error"/> instead of throwing.</summary>
    public static bool TryRead(
        ReadOnlySpan<byte> data,
        string? name,
        [NotNullWhen(true)] out PatchFile? patch,
        [NotNullWhen(false)] out string? error,
        PatchReadLimits? limits = null)
    {
        try
        {
            patch = Read(data, name, limits);
            error = null;
            return true;
        }
        catch (PatchFormatException e)
        {
            patch = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Reads the patch file at <paramref name="path"/>.</summary>
    /// <exception cref="SutureException">
    /// The file is missing (<see cref="ExitCode.Failure"/>), cannot be read or is not a valid patch
    /// (<see cref="ExitCode.CorruptPatch"/>; a <see cref="PatchFormatException"/> for the latter).
    /// A file larger than <see cref="PatchReadLimits.MaxFileSize"/> is refused before it is read.
    /// </exception>
    /// <summary>
    /// The bytes of the patch file at <paramref name="path"/>, refused before reading if larger
    /// than the limit; pass them to <see cref="Read"/>. The file's last 32 bytes are its SHA-256.
    /// </summary>
    public static byte[] ReadFile(string path, PatchReadLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return PatchFileLoader.ReadAllBytes(path, (limits ?? PatchReadLimits.Default).MaxFileSize);
    }

    public static PatchFile Load(string path, PatchReadLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits ??= PatchReadLimits.Default;
        byte[] data = PatchFileLoader.ReadAllBytes(path, limits.MaxFileSize);
        return Read(data, path, limits);
    }
}
