namespace Suture.Elf.Tests;

public sealed class RelocationTypeNameTests
{
    [Theory]
    [InlineData(X86_64RelocationType.None, "R_X86_64_NONE")]
    [InlineData(X86_64RelocationType.R64, "R_X86_64_64")]
    [InlineData(X86_64RelocationType.Pc32, "R_X86_64_PC32")]
    [InlineData(X86_64RelocationType.Plt32, "R_X86_64_PLT32")]
    [InlineData(X86_64RelocationType.R32S, "R_X86_64_32S")]
    [InlineData(X86_64RelocationType.JumpSlot, "R_X86_64_JUMP_SLOT")]
    [InlineData(X86_64RelocationType.GotPc32TlsDesc, "R_X86_64_GOTPC32_TLSDESC")]
    [InlineData(X86_64RelocationType.TlsDescCall, "R_X86_64_TLSDESC_CALL")]
    [InlineData(X86_64RelocationType.RexGotPcRelX, "R_X86_64_REX_GOTPCRELX")]
    [InlineData(99u, "R_X86_64_<99>")]
    public void Name_is_the_psABI_name(uint type, string expected) => Assert.Equal(expected, X86_64RelocationType.Name(type));
}
