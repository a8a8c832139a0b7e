namespace Suture.Patching.Tests.Core;

public sealed class Sha256Tests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(119)]
    [InlineData(120)]
    [InlineData(1000)]
    [InlineData(100_003)]
    public void Matches_the_platform_implementation(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.HashData(data));
    }

    [Fact]
    public void Known_answer_for_abc()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(Sha256.HashData("abc"u8)));
    }
}
