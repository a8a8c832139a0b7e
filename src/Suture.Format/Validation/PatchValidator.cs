using System.Buffers;
using System.Text;

namespace Suture.Format.Validation;

/// <summary>
/// The rules beyond syntax that every patch file obeys. The reader applies them after decoding and
/// the writer before encoding, so anything written can be read back.
/// </summary>
internal static partial class PatchValidator
{
    /// <summary>The first rule <paramref name="patch"/> breaks, as "section: what, value, expected", or null.</summary>
    public static string? FindProblem(PatchFile patch, PatchReadLimits limits)
    {
        if (patch.Target is null || patch.Metadata is null || patch.Functions is null
            || patch.Image is null || patch.Relocations is null)
        {
            return "the patch is incomplete (a section is null)";
        }

        return CheckTarget(patch.Target, limits)
            ?? CheckMetadata(patch.Metadata, limits)
            ?? CheckImage(patch.Image, limits)
            ?? CheckFunctions(patch.Functions, patch.Image, limits)
            ?? CheckRelocations(patch.Relocations, patch.Image, limits)
            ?? CheckUnwind(patch.Unwind, patch.Image);
    }

    private static string? CheckUnwind(PatchUnwindTable? unwind, PatchImage image)
    {
        if (unwind is null)
        {
            return null;
        }

        (ulong offset, ulong size) = (unwind.EhFrameOffset, unwind.EhFrameSize);
        ulong codeSize = (ulong)image.Code.Length;
        ulong dataStart = image.DataOffset;
        ulong dataEnd = dataStart + (ulong)image.Data.Length;
        bool inCode = offset <= codeSize && size <= codeSize - offset;
        bool inData = offset >= dataStart && offset <= dataEnd && size <= dataEnd - offset;
        if ((!inCode && !inData) || size < 4 || offset % 4 != 0)
        {
            return $"unwind section: eh_frame of {size} bytes at offset 0x{offset:x} must be 4-byte aligned, at least 4 bytes and inside the code (0x0..0x{codeSize:x}) or the data (0x{dataStart:x}..0x{dataEnd:x})";
        }

        ReadOnlySpan<byte> table = inCode ? image.Code.AsSpan((int)offset, (int)size) : image.Data.AsSpan((int)(offset - dataStart), (int)size);
        return table[^4..].IndexOfAnyExcept((byte)0) >= 0
            ? $"unwind section: eh_frame at offset 0x{offset:x} does not end with a zero terminator"
            : null;
    }

    /// <summary>Null, or why <paramref name="value"/> cannot be stored as a string field.</summary>
    public static string? CheckString(string? value, string field, PatchReadLimits limits, bool required = false)
    {
        if (value is null)
        {
            return $"{field} is null";
        }

        if (required && value.Length == 0)
        {
            return $"{field} is empty";
        }

        ReadOnlySpan<char> rest = value;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out int used) != OperationStatus.Done)
            {
                return $"{field} contains an unpaired surrogate and cannot be encoded as UTF-8";
            }

            rest = rest[used..];
        }

        int bytes = Encoding.UTF8.GetByteCount(value);
        return bytes > limits.MaxStringLength
            ? $"{field} is {bytes} bytes, more than the limit of {limits.MaxStringLength}"
            : null;
    }

    private static string? CheckTarget(PatchTarget target, PatchReadLimits limits)
    {
        if (target.BuildId is null || target.BuildId.Length == 0)
        {
            return "target section: the build ID is empty";
        }

        if (target.BuildId.Length > limits.MaxBuildIdLength)
        {
            return $"target section: build ID is {target.BuildId.Length} bytes, more than the limit of {limits.MaxBuildIdLength}";
        }

        return Prefix("target", CheckString(target.ObjectName, "object name", limits));
    }

    private static string? CheckMetadata(PatchMetadata metadata, PatchReadLimits limits)
    {
        string? problem = CheckString(metadata.Id, "id", limits, required: true)
            ?? CheckString(metadata.Description, "description", limits)
            ?? CheckStrings(metadata.Cves, "CVEs", limits.MaxCves, limits)
            ?? (metadata.Level < 1 ? $"level {metadata.Level} is invalid (levels start at 1)" : null)
            ?? CheckString(metadata.Compiler, "compiler", limits)
            ?? CheckString(metadata.BuildCommand, "build command", limits)
            ?? CheckStrings(metadata.Overrides, "overrides", limits.MaxOverrides, limits);
        return Prefix("metadata", problem);
    }

    private static string? CheckStrings(IReadOnlyList<string>? values, string what, int max, PatchReadLimits limits)
    {
        if (values is null)
        {
            return $"{what} list is null";
        }

        if (values.Count > max)
        {
            return $"{values.Count} {what} exceed the limit of {max}";
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (CheckString(values[i], $"{what} entry {i + 1}", limits, required: true) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? CheckImage(PatchImage image, PatchReadLimits limits)
    {
        if (image.Code is null || image.Data is null)
        {
            return "code section: the image's code or data is null";
        }

        if (image.Code.Length > limits.MaxCodeSize)
        {
            return $"code section: {image.Code.Length} bytes of code exceed the limit of {limits.MaxCodeSize}";
        }

        if (image.Data.Length > limits.MaxDataSize)
        {
            return $"data section: {image.Data.Length} bytes of data exceed the limit of {limits.MaxDataSize}";
        }

        return image.BssSize > (ulong)limits.MaxBssSize
            ? $"data section: bss size {image.BssSize} exceeds the limit of {limits.MaxBssSize}"
            : null;
    }

    public static string? Prefix(string section, string? problem) =>
        problem is null ? null : $"{section} section: {problem}";
}
