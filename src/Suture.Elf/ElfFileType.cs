namespace Suture.Elf;

/// <summary>The ELF header's <c>e_type</c>.</summary>
public enum ElfFileType
{
    None = 0,
    Relocatable = 1,
    Executable = 2,
    SharedObject = 3,
    Core = 4,
}
