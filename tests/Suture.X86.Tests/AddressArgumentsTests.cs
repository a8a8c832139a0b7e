namespace Suture.X86.Tests;

/// <summary>The address arguments and PLT slots read from machine code, over bytes GNU as wrote.</summary>
public sealed class AddressArgumentsTests
{
    [Fact]
    public void A_rip_relative_lea_into_rdi_before_a_call_is_found()
    {
        // 0x18: lea rdi, [rip+0x20] (-> 0x3f); 0x1f: call 0x5f
        byte[] code = Convert.FromHexString("488d3d20000000" + "e83b000000");

        Assert.Equal([(0x3fUL, 0x5fUL)], AddressArguments.Find(code, 0x18));
        Assert.Equal(0x5fUL, AddressArguments.FirstCall(code, 0x18));
    }

    [Fact]
    public void A_write_to_rdi_between_lea_and_call_drops_the_argument()
    {
        // lea rdi, [rip+0x20]; mov edi, 1; call rel32
        byte[] code = Convert.FromHexString("488d3d20000000" + "bf01000000" + "e800000000");

        Assert.Empty(AddressArguments.Find(code, 0x1000));
    }

    [Fact]
    public void Decoding_stops_at_invalid_code()
    {
        // push es (invalid in 64-bit mode); then a lea/call pair that must not be read
        byte[] code = Convert.FromHexString("06" + "488d3d20000000" + "e83b000000");

        Assert.Empty(AddressArguments.Find(code, 0x1000));
        Assert.Null(AddressArguments.FirstCall(code, 0x1000));
    }

    [Theory]
    [InlineData("ff25e22f0000", 0x1030UL, 0x4018UL)]                 // jmp [rip+0x2fe2]
    [InlineData("f30f1efa" + "f2ff25dd2f0000", 0x1030UL, 0x4018UL)]  // endbr64; bnd jmp [rip+0x2fdd]
    [InlineData("e9fb0f0000", 0x1030UL, null)]                        // a direct jmp is no PLT stub
    public void PltSlot_is_the_slot_a_stub_jumps_through(string hex, ulong address, ulong? slot)
    {
        Assert.Equal(slot, AddressArguments.PltSlot(Convert.FromHexString(hex), address));
    }
}
