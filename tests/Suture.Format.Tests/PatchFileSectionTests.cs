using Suture.Format;
using Suture.Format.Writing;

namespace Suture.Format.Tests;

/// <summary>
/// The section API other projects use for sections the model does not carry (Suture.Trust's
/// <c>sign</c>): the reader's walk as <see cref="PatchDocument.Sections"/>, and
/// <see cref="PatchWriter.WithSection"/>/<see cref="PatchWriter.Seal"/> re-laying the file.
/// </summary>
public class PatchFileSectionTests
{
    [Fact]
    public void The_document_lists_every_section_in_file_order_ending_with_HASH()
    {
        byte[] file = PatchWriter.Write(PatchSamples.Realistic());

        PatchDocument document = PatchDocument.Read(file, "foo.patch");

        Assert.Equal(["TRGT", "META", "FUNC", "CODE", "DATA", "RELO", "UNWD", "HASH"], document.Sections.Select(s => s.Name));
        Assert.Equal(32, document.Sections[0].Offset);
        for (int i = 1; i < document.Sections.Count; i++)
        {
            Assert.Equal(document.Sections[i - 1].End, document.Sections[i].Offset);
        }

        Assert.Equal(file.Length, document.Sections[^1].End);
        Assert.Equal(32, document.Sections[^1].PayloadLength);
        Assert.Equal(PatchBytes.Find(file, "CODE"), (document.FindSection("CODE")!.Value.Offset, document.FindSection("CODE")!.Value.PayloadLength));
        Assert.Null(document.FindSection("sign"));
    }

    [Fact]
    public void A_section_is_added_before_HASH_and_replaced_in_place_of_the_old_one()
    {
        byte[] withNote = PatchBytes.InsertBeforeChecksum(PatchWriter.Write(PatchSamples.Realistic()), PatchBytes.Section("note", "kept"u8));
        PatchDocument original = PatchDocument.Read(withNote, "foo.patch");

        byte[] added = PatchWriter.WithSection(original, "xtra", "first"u8, out PatchFileSection placed);
        PatchDocument once = PatchDocument.Read(added, "foo.patch");
        byte[] replaced = PatchWriter.WithSection(once, "xtra", "second, longer"u8, out PatchFileSection again);
        PatchDocument twice = PatchDocument.Read(replaced, "foo.patch");

        Assert.Equal(["TRGT", "META", "FUNC", "CODE", "DATA", "RELO", "UNWD", "note", "xtra", "HASH"], once.Sections.Select(s => s.Name));
        Assert.Equal(placed, once.FindSection("xtra"));
        Assert.Equal("first"u8.ToArray(), once.Payload(placed).ToArray());
        Assert.Equal(once.Sections.Select(s => s.Name), twice.Sections.Select(s => s.Name));
        Assert.Equal("second, longer"u8.ToArray(), twice.Payload(again).ToArray());
        Assert.Equal("kept"u8.ToArray(), twice.Payload(twice.FindSection("note")!.Value).ToArray());
        Assert.True(original.Patch.ContentEquals(twice.Patch));
        Assert.Equal(withNote.AsSpan(0, original.Sections[^1].Offset).Length + 12 + "second, longer".Length + 44, replaced.Length);
    }

    [Fact]
    public void A_byte_filled_in_after_laying_out_is_sealed_into_the_checksum()
    {
        PatchDocument document = PatchDocument.Read(PatchWriter.Write(PatchSamples.Small()), "foo.patch");
        byte[] file = PatchWriter.WithSection(document, "sign", new byte[8], out PatchFileSection placed);
        file[placed.End - 1] = 0x5a;

        Assert.Throws<PatchFormatException>(() => PatchDocument.Read(file, "foo.patch"));
        PatchWriter.Seal(file);
        Assert.Equal(0x5a, PatchDocument.Read(file, "foo.patch").Payload(placed)[^1]);
    }

    [Theory]
    [InlineData("META", "required section")]
    [InlineData("HASH", "required section")]
    [InlineData("toolong", "four printable ASCII characters")]
    [InlineData("si n", "four printable ASCII characters")]
    public void Required_or_malformed_names_are_refused(string name, string fragment)
    {
        PatchDocument document = PatchDocument.Read(PatchWriter.Write(PatchSamples.Small()), "foo.patch");

        var e = Assert.Throws<ArgumentException>(() => PatchWriter.WithSection(document, name, [], out _));

        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_refuses_bytes_that_are_not_a_laid_out_file()
    {
        byte[] file = PatchWriter.Write(PatchSamples.Small());

        Assert.Throws<ArgumentException>(() => PatchWriter.Seal(file.AsSpan(0, file.Length - 1)));
        Assert.Throws<ArgumentException>(() => PatchWriter.Seal(new byte[100]));
    }
}
