namespace Suture.Elf.Tests;

[CollectionDefinition(Name)]
public sealed class ElfFixtureGroup : ICollectionFixture<ElfFixture>
{
    public const string Name = "Compiled ELF fixtures";
}
