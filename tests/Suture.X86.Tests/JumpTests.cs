using System.Globalization;
using Suture.TestSupport;

namespace Suture.X86.Tests;

/// <summary>
/// <c>jmp rel32</c> encodings, table-driven: each row's bytes are what GNU as writes for
/// <c>jmp near ptr TO</c> at FROM (hand-checked: displacement = TO - (FROM + 5), little-endian),
/// and objdump decodes every encoding back to its target.
/// </summary>
public sealed class JumpTests
{
    /// <summary>(from, to, expected bytes): forward, backward, to itself, and the two ends of rel32.</summary>
    public static TheoryData<ulong, ulong, string> Encodings => new()
    {
        { 0x3, 0x1003, "e9fb0f0000" },                                  // as: "3: e9 fb 0f 00 00  jmp 1003"
        { 0x401000, 0x401005, "e900000000" },                           // to the next instruction
        { 0x401000, 0x401000, "e9fbffffff" },                           // to itself (rel32 -5)
        { 0x401000, 0x400000, "e9fbefffff" },                           // backward 4 KiB
        { 0x1000, 0x1000 + 5 + (ulong)int.MaxValue, "e9ffffff7f" },      // rel32 upper end
        { 0x1_0000_0000, 0x1_0000_0005 - 0x8000_0000, "e900000080" },  // rel32 lower end
        { 0x7f00_0000_1000, 0x7f00_0000_1081, "e97c000000" },            // beyond rel8 reach, rel32 all the same
        { 0x7f00_0000_1000, 0x7f00_0000_1084, "e97f000000" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Encode_writes_jmp_rel32(ulong from, ulong to, string expected)
    {
        Assert.True(Jump.CanReach(from, to));
        Assert.Equal(expected, Convert.ToHexStringLower(Jump.Encode(from, to)));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Objdump_decodes_each_encoding_to_its_target(ulong from, ulong to, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(Jump.Encode(from, to)));
        using var directory = new TempDirectory("suture-x86");
        string file = directory.File("jump.bin");
        File.WriteAllBytes(file, Jump.Encode(from, to));

        ToolResult dump = Tool.Run("objdump", ["-D", "-b", "binary", "-m", "i386:x86-64", $"--adjust-vma=0x{from:x}", file]);

        Assert.True(dump.ExitCode == 0, dump.ToString());
        string line = dump.Stdout.Split('\n').Single(l => l.Contains("jmp", StringComparison.Ordinal));
        string target = line[(line.IndexOf("jmp", StringComparison.Ordinal) + 3)..].Trim().Split(' ')[0];
        Assert.Equal(to, ulong.Parse(target.StartsWith("0x", StringComparison.Ordinal) ? target[2..] : target, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(0x1000UL, 0x1000UL + 5 + int.MaxValue + 1UL)] // one past the upper end
    [InlineData(0x1_0000_0000UL, 0x1_0000_0005UL - 0x8000_0000UL - 1)] // one past the lower end
    [InlineData(0x7f00_0000_0000UL, 0x40_0000UL)] // a library near the top to an executable near the bottom
    public void Beyond_rel32_is_unreachable_and_refused(ulong from, ulong to)
    {
        Assert.False(Jump.CanReach(from, to));
        SutureException refused = Assert.Throws<SutureException>(() => Jump.Encode(from, to));
        Assert.Contains($"0x{from:x} cannot reach 0x{to:x}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.Failure, refused.ExitCode);
    }

    [Theory]
    [InlineData("f30f1efa", true)]       // endbr64
    [InlineData("f30f1efa4889e5", true)] // endbr64; mov rbp, rsp
    [InlineData("f30f1efb", false)]      // endbr32
    [InlineData("f30f1e", false)]        // cut short
    [InlineData("", false)]
    [InlineData("554889e5", false)]      // push rbp; mov rbp, rsp
    public void StartsWithEndbr64_recognises_only_the_landing_pad(string hex, bool expected)
    {
        Assert.Equal(expected, Jump.StartsWithEndbr64(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Lengths_are_those_of_the_encodings()
    {
        Assert.Equal(Jump.Length, Jump.Encode(0, 0x100).Length);
        Assert.Equal(Jump.EndbrLength, Convert.FromHexString("f30f1efa").Length);
    }
}
