using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>The low four bits of a symbol's <c>st_info</c> (STT_*).</summary>
public enum ElfSymbolType
{
    NoType = 0,
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "STT_OBJECT.")]
    Object = 1,
    Func = 2,
    Section = 3,
    File = 4,
    Common = 5,
    Tls = 6,
    GnuIfunc = 10,
}
