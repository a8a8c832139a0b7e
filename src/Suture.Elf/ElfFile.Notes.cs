using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

public sealed partial class ElfFile
{
    /// <summary>The NT_GNU_BUILD_ID descriptor, or null when the file has none.</summary>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "The Build ID is a small value callers compare and print.")]
    public byte[]? BuildId { get; }

    /// <summary><see cref="BuildId"/> as lowercase hex, or null.</summary>
    public string? BuildIdHex => BuildId is null ? null : Convert.ToHexStringLower(BuildId);

    private byte[]? FindBuildId()
    {
        foreach (ElfSection section in _sections)
        {
            if (section.Type == ElfSectionType.Note && ElfNotes.FindBuildId(section.Data.Span, section.Alignment) is { } id)
            {
                return id;
            }
        }

        foreach (ElfSegment segment in _segments)
        {
            if (segment.Type == ElfSegmentType.Note
                && ElfNotes.FindBuildId(_image.Slice(segment.Offset, segment.FileSize).Span, segment.Alignment) is { } id)
            {
                return id;
            }
        }

        return null;
    }
}
