namespace Suture.Format;

/// <summary>
/// A patch file is not a valid v1 Suture patch. The message names the file, the section and the
/// offending value. The exit code is always <see cref="ExitCode.CorruptPatch"/>.
/// </summary>
public sealed class PatchFormatException : SutureException
{
    public PatchFormatException(string message, Exception? innerException = null)
        : base(message, ExitCode.CorruptPatch, innerException)
    {
    }
}
