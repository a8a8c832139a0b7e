using Suture.Format;
using Suture.Format.Reading;
using Suture.Format.Writing;

namespace Suture.Format.Tests;

/// <summary>The writer refuses what the reader would reject, so every written file can be read.</summary>
public class PatchFileWriterTests
{
    [Theory]
    [InlineData("empty-id", "metadata section: id is empty")]
    [InlineData("level-zero", "metadata section: level 0 is invalid")]
    [InlineData("empty-build-id", "target section: the build ID is empty")]
    [InlineData("unpaired-surrogate", "description contains an unpaired surrogate")]
    [InlineData("expected-bytes-short", "function 1 ('parse_header'): has 4 expected bytes; expected 5 to 64")]
    [InlineData("jump-past-old-function", "the jump at entry offset 4 overwrites 5 bytes, past the end of the 8-byte old function")]
    [InlineData("function-outside-code", "function 2 ('_ZN4seed5Table6insertEPKcm'): new code at offset 0x50 size 0x20 lies outside the code (0x60 bytes)")]
    [InlineData("duplicate-function", "function 2 ('parse_header'): redirects 0x401136, which function 1 already redirects")]
    [InlineData("relocation-past-data", "relocation 1 (Abs64 against Image 'x'): 8 bytes at offset 0x1034 lie outside the image")]
    [InlineData("image-symbol-past-end", "symbol value 0x2000 lies past the end of the image (0x10f8)")]
    [InlineData("version-on-object-symbol", "has version 'V1', but only external symbols are versioned")]
    [InlineData("external-without-name", "relocation 1: symbol is empty")]
    [InlineData("invalid-kind", "relocation 1: relocation kind 0 is unknown")]
    public void Invalid_patch_is_refused(string problem, string fragment)
    {
        PatchFile patch = Break(PatchSamples.Realistic(), problem);

        var e = Assert.Throws<ArgumentException>(() => PatchWriter.Write(patch));

        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_is_deterministic()
    {
        Assert.Equal(PatchWriter.Write(PatchSamples.Realistic()), PatchWriter.Write(PatchSamples.Realistic()));
    }

    private static PatchFile Break(PatchFile p, string problem)
    {
        PatchFunction f0 = p.Functions[0];
        PatchFunction f1 = p.Functions[1];
        var image = new PatchRelocation(0x1000, PatchRelocationKind.Abs64, PatchSymbolKind.Image, "x", 0, 0);
        return problem switch
        {
            "empty-id" => p with { Metadata = p.Metadata with { Id = "" } },
            "level-zero" => p with { Metadata = p.Metadata with { Level = 0 } },
            "empty-build-id" => p with { Target = p.Target with { BuildId = [] } },
            "unpaired-surrogate" => p with { Metadata = p.Metadata with { Description = "bad \ud800 text" } },
            "expected-bytes-short" => p with { Functions = [f0 with { ExpectedBytes = [1, 2, 3, 4] }, f1] },
            "jump-past-old-function" => p with { Functions = [f0 with { OldSize = 8 }, f1] },
            "function-outside-code" => p with { Functions = [f0, f1 with { NewOffset = 0x50 }] },
            "duplicate-function" => p with { Functions = [f0, f1 with { OldAddress = f0.OldAddress, Symbol = f0.Symbol }] },
            "relocation-past-data" => p with { Relocations = [image with { Offset = 0x1034 }] },
            "image-symbol-past-end" => p with { Relocations = [image with { Value = 0x2000 }] },
            "version-on-object-symbol" => p with { Relocations = [image with { Target = PatchSymbolKind.Object, Version = "V1" }] },
            "external-without-name" => p with { Relocations = [image with { Target = PatchSymbolKind.External, Symbol = "" }] },
            "invalid-kind" => p with { Relocations = [image with { Kind = 0 }] },
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown problem"),
        };
    }
}
