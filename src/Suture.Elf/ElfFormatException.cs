namespace Suture.Elf;

/// <summary>
/// The bytes given to <see cref="ElfFile"/> are not a well-formed x86-64 ELF64 file, or exceed an
/// <see cref="ElfReadLimits"/> cap. The message names the file, what is wrong, the value and where.
/// </summary>
public sealed class ElfFormatException : SutureException
{
    public ElfFormatException(string message, Exception? innerException = null)
        : base(message, ExitCode.Failure, innerException)
    {
    }
}
