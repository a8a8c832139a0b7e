using Suture.Format.Validation;

namespace Suture.Format.Writing;

/// <summary>
/// Writes v1 patch files (docs/patch-format.md). The output is deterministic: the same patch
/// always gives the same bytes. The creation time is stored in whole milliseconds.
/// </summary>
public static partial class PatchWriter
{
    /// <exception cref="ArgumentException">
    /// The patch breaks a rule the reader enforces with <see cref="PatchReadLimits.Default"/>
    /// (for example a function outside the code), so the file would not be readable.
    /// </exception>
    public static byte[] Write(PatchFile patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        PatchReadLimits limits = PatchReadLimits.Default;
        if (PatchValidator.FindProblem(patch, limits) is { } problem)
        {
            throw new ArgumentException($"cannot write the patch: {problem}", nameof(patch));
        }

        var e = new FieldWriter();
        e.Bytes(PatchFormat.Magic);
        e.U16(PatchFormat.Version);
        e.U16(0);
        e.U32(PatchFormat.HeaderSize);
        e.U64(0);
        e.U64(0);
        WriteTarget(e, patch.Target);
        WriteMetadata(e, patch.Metadata);
        WriteFunctions(e, patch.Functions);
        WriteImage(e, patch.Image);
        WriteRelocations(e, patch.Relocations);
        if (patch.Unwind is { } unwind)
        {
            int at = e.BeginSection(PatchSection.Unwind);
            e.U64(unwind.EhFrameOffset);
            e.U64(unwind.EhFrameSize);
            e.EndSection(at);
        }
        byte[] file = e.Finish();
        return file.Length <= limits.MaxFileSize
            ? file
            : throw new ArgumentException(
                $"cannot write the patch: it is {file.Length} bytes, more than the limit of {limits.MaxFileSize}", nameof(patch));
    }

    /// <inheritdoc cref="Write(PatchFile)"/>
    public static void Write(PatchFile patch, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Write(patch));
    }

    private static void WriteTarget(FieldWriter e, PatchTarget target)
    {
        int at = e.BeginSection(PatchSection.Target);
        e.Blob(target.BuildId);
        e.String(target.ObjectName);
        e.EndSection(at);
    }

    private static void WriteMetadata(FieldWriter e, PatchMetadata metadata)
    {
        int at = e.BeginSection(PatchSection.Metadata);
        e.String(metadata.Id);
        e.String(metadata.Description);
        e.Strings(metadata.Cves);
        e.I32(metadata.Level);
        e.I64(metadata.CreatedUtc.ToUnixTimeMilliseconds());
        e.String(metadata.Compiler);
        e.String(metadata.BuildCommand);
        e.Strings(metadata.Overrides);
        e.EndSection(at);
    }

    private static void WriteFunctions(FieldWriter e, IReadOnlyList<PatchFunction> functions)
    {
        int at = e.BeginSection(PatchSection.Functions);
        e.U32((uint)functions.Count);
        foreach (PatchFunction f in functions)
        {
            e.String(f.Symbol);
            e.U64(f.OldAddress);
            e.U64(f.OldSize);
            e.U32(f.EntryOffset);
            e.U8((byte)f.ExpectedBytes.Length);
            e.Bytes(f.ExpectedBytes);
            e.U64(f.NewOffset);
            e.U64(f.NewSize);
        }

        e.EndSection(at);
    }

    private static void WriteImage(FieldWriter e, PatchImage image)
    {
        int at = e.BeginSection(PatchSection.Code);
        e.Bytes(image.Code);
        e.EndSection(at);
        at = e.BeginSection(PatchSection.Data);
        e.U64(image.BssSize);
        e.Bytes(image.Data);
        e.EndSection(at);
    }

    private static void WriteRelocations(FieldWriter e, IReadOnlyList<PatchRelocation> relocations)
    {
        int at = e.BeginSection(PatchSection.Relocations);
        e.U32((uint)relocations.Count);
        foreach (PatchRelocation r in relocations)
        {
            e.U64(r.Offset);
            e.U8((byte)r.Kind);
            e.U8((byte)r.Target);
            e.U16(r.Version is null ? (ushort)0 : PatchFormat.RelocationHasVersion);
            e.U64(r.Value);
            e.I64(r.Addend);
            e.String(r.Symbol);
            if (r.Version is not null)
            {
                e.String(r.Version);
            }
        }

        e.EndSection(at);
    }
}
