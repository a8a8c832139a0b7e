namespace Suture.Elf.Tests;

[CollectionDefinition(Name)]
public sealed class DwarfFixtureGroup : ICollectionFixture<DwarfFixture>
{
    public const string Name = "Compiled DWARF fixtures";
}
