namespace Suture.Elf.Dwarf;

/// <summary>
/// The DWARF debugging information of an ELF file is malformed, uses something this reader does
/// not decode (a unit version or attribute form), or exceeds a <see cref="DwarfReadLimits"/> cap.
/// The message names the file, the section, the offset and what is wrong; nothing is guessed.
/// </summary>
public sealed class DwarfFormatException : SutureException
{
    public DwarfFormatException(string message, Exception? innerException = null)
        : base(message, ExitCode.Failure, innerException)
    {
    }
}
