namespace Suture.Elf.Tests;

/// <summary>Random corruption and truncation must only ever produce <see cref="ElfFormatException"/>.</summary>
[Collection(ElfFixtureGroup.Name)]
public sealed class FuzzTests(ElfFixture fixture)
{
    [Theory]
    [InlineData("object")]
    [InlineData("pie")]
    [InlineData("shared")]
    public void Random_corruption_only_throws_ElfFormatException(string kind)
    {
        string path = kind switch { "object" => fixture.ObjectPath, "pie" => fixture.PiePath, _ => fixture.SharedPath };
        byte[] original = File.ReadAllBytes(path);
        var random = new Random(12345);
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            byte[] data = (byte[])original.Clone();
            int edits = random.Next(1, 8);
            for (int e = 0; e < edits; e++)
            {
                // Favour the ELF header, program headers and the section header table at the end,
                // where the interesting offsets and counts live.
                int position = random.Next(4) switch
                {
                    0 => random.Next(64 + 56 * 14),
                    1 => data.Length - 1 - random.Next(Math.Min(data.Length, 64 * 40)),
                    _ => random.Next(data.Length),
                };
                data[position] = random.Next(4) switch
                {
                    0 => 0xff,
                    1 => 0,
                    _ => (byte)random.Next(256),
                };
            }

            Exercise(data);
        }
    }

    [Fact]
    public void Every_truncation_only_throws_ElfFormatException()
    {
        byte[] original = File.ReadAllBytes(fixture.ObjectPath);
        for (int length = 0; length < original.Length; length++)
        {
            Exercise(original.AsMemory(0, length));
        }
    }

    private static void Exercise(ReadOnlyMemory<byte> data)
    {
        ElfFile elf;
        try
        {
            elf = ElfFile.Read(data, "fuzz");
        }
        catch (ElfFormatException)
        {
            return;
        }

        foreach (ElfSection section in elf.Sections)
        {
            _ = elf.GetRelocations(section).Count;
        }

        _ = elf.DynamicRelocations.Count;
        _ = elf.BuildIdHex;
        _ = elf.Symbols.Sum(s => s.Name.Length) + elf.DynamicSymbols.Sum(s => (s.Version ?? s.Name).Length);
        Span<byte> buffer = stackalloc byte[16];
        foreach (ElfSymbol symbol in elf.Symbols)
        {
            _ = elf.TryReadAtAddress(symbol.Value, buffer);
        }
    }
}
