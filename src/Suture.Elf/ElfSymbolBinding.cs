namespace Suture.Elf;

/// <summary>The high four bits of a symbol's <c>st_info</c> (STB_*).</summary>
public enum ElfSymbolBinding
{
    Local = 0,
    Global = 1,
    Weak = 2,
    GnuUnique = 10,
}
