using Iced.Intel;

namespace Suture.X86.Tests;

/// <summary>
/// Instruction boundaries, table-driven over bytes GNU as wrote (the listing is beside each row):
/// rel8 and rel32 branches, RIP-relative operands with and without an immediate after the
/// displacement (whose PC is the end of the instruction, not of the displacement field), and
/// invalid or cut-short code, which must never claim bytes past the end.
/// </summary>
public sealed class InstructionMapTests
{
    /// <summary>(bytes, offset of a relocated field, expected end of the instruction that holds it).</summary>
    public static TheoryData<string, int, int> FieldEnds => new()
    {
        { "eb00", 1, 2 },                         // jmp short +0 (rel8)
        { "eb7f", 1, 2 },                         // jmp short +0x7f: the rel8 upper end
        { "eb80", 1, 2 },                         // jmp short -0x80: the rel8 lower end
        { "74fe", 1, 2 },                         // je . (rel8)
        { "e9fb0f0000", 1, 5 },                   // jmp near +0xffb (rel32)
        { "0f85fa000000", 2, 6 },                 // jne rel32: two opcode bytes
        { "e83b000000", 1, 5 },                   // call rel32
        { "8b0510000000", 2, 6 },                 // mov eax, [rip+0x10]
        { "c70510000000" + "78563412", 2, 10 },   // mov dword [rip+0x10], 0x12345678: the imm32 follows the disp32
        { "803d10000000" + "07", 2, 7 },          // cmp byte [rip+0x10], 7: an imm8 follows
        { "488d3d20000000", 3, 7 },               // lea rdi, [rip+0x20] (REX.W)
        { "48b88877665544332211", 2, 10 },        // movabs rax, imm64
        { "554889e5" + "8b0510000000", 6, 10 },   // push rbp; mov rbp, rsp; mov eax, [rip+0x10]
        { "f30f1efa" + "e9fb0f0000", 5, 9 },      // endbr64; jmp rel32
    };

    [Theory]
    [MemberData(nameof(FieldEnds))]
    public void EndOfInstructionAt_is_the_end_of_the_holding_instruction(string hex, int field, int end)
    {
        InstructionMap map = InstructionMap.Decode(Convert.FromHexString(hex));

        for (int offset = field; offset < end; offset++)
        {
            Assert.Equal(end, map.EndOfInstructionAt(offset));
        }

        Assert.True(map.IsBoundary(end));
        Assert.False(map.IsBoundary(field));
    }

    /// <summary>(bytes, instruction start offsets): what objdump lists for the same bytes.</summary>
    public static TheoryData<string, int[]> Boundaries => new()
    {
        { "eb00" + "90" + "e9fb0f0000", [0, 2, 3] },                     // jmp short; nop; jmp near
        { "554889e5" + "0f1f0400" + "c3", [0, 1, 4, 8] },                // push rbp; mov rbp, rsp; nop dword [rax+rax]; ret
        { "f30f1efa" + "803d1000000007" + "7400" + "c3", [0, 4, 11, 13] }, // endbr64; cmp [rip], imm8; je; ret
        { "66662e0f1f840000000000", [0] },                               // 11-byte nop (prefixes and all)
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Boundaries_are_the_instruction_starts(string hex, int[] starts)
    {
        byte[] code = Convert.FromHexString(hex);
        InstructionMap map = InstructionMap.Decode(code);

        Assert.Equal(starts.Length, map.Count);
        for (int offset = 0; offset <= code.Length; offset++)
        {
            Assert.Equal(offset == code.Length || starts.Contains(offset), map.IsBoundary(offset));
        }

        Assert.Equal(-1, map.EndOfInstructionAt(code.Length));
        Assert.Equal(-1, map.EndOfInstructionAt(-1));
    }

    [Fact]
    public void Empty_code_has_no_instructions()
    {
        InstructionMap map = InstructionMap.Decode([]);

        Assert.Equal(0, map.Count);
        Assert.True(map.IsBoundary(0));
        Assert.Equal(-1, map.EndOfInstructionAt(0));
    }

    /// <summary>
    /// Bytes that are no instruction in 64-bit mode, or an instruction cut short by the end of the
    /// code: iced decodes them as <see cref="Code.INVALID"/> (checked here, as iced's own tests
    /// check invalid encodings), and the map still covers exactly the code given.
    /// </summary>
    [Theory]
    [InlineData("06")]                 // push es: invalid in 64-bit mode
    [InlineData("0f0b")]               // ud2 is valid; kept as the contrast below
    [InlineData("e9fb0f")]             // jmp rel32 with two displacement bytes missing
    [InlineData("8b05100000")]         // mov eax, [rip+disp32] missing a byte
    [InlineData("c70510000000785634")] // mov [rip], imm32 missing the last immediate byte
    [InlineData("48")]                 // a lone REX prefix
    [InlineData("f0")]                 // a lone LOCK prefix
    [InlineData("f00105")]             // lock add [rip+...] cut short
    [InlineData("c4")]                 // a VEX prefix with nothing after it
    public void Invalid_or_cut_short_code_never_reaches_past_the_end(string hex)
    {
        byte[] code = Convert.FromHexString(hex);
        bool valid = hex == "0f0b";
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code));
        decoder.Decode(out Instruction first);
        Assert.Equal(valid, first.Code != Code.INVALID);

        InstructionMap map = InstructionMap.Decode(code);

        Assert.True(map.Count >= 1);
        Assert.True(map.IsBoundary(code.Length));
        for (int offset = 0; offset < code.Length; offset++)
        {
            int end = map.EndOfInstructionAt(offset);
            Assert.InRange(end, offset + 1, code.Length);
        }
    }

    /// <summary>
    /// Past invalid bytes the boundaries are iced's, not the compiler's: iced takes 06 with the
    /// next byte as one 2-byte invalid instruction, then reads 05 imm32 (add eax) out of the mov
    /// (objdump would resynchronise after one "(bad)" byte). What holds: decoding goes on, the
    /// instructions before are exact, and nothing reaches past the end.
    /// </summary>
    [Fact]
    public void Decoding_goes_on_after_invalid_bytes_and_ends_at_the_end_of_the_code()
    {
        // nop; (push es: invalid); mov eax, [rip+0x10]
        InstructionMap map = InstructionMap.Decode(Convert.FromHexString("90" + "06" + "8b0510000000"));

        Assert.Equal("0,1,3,8", string.Join(",", Enumerable.Range(0, 9).Where(map.IsBoundary)));
        Assert.Equal(3, map.Count);
        Assert.Equal(3, map.EndOfInstructionAt(2));
        Assert.Equal(8, map.EndOfInstructionAt(4));
    }
}
