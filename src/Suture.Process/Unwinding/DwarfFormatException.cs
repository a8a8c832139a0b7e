namespace Suture.Process.Unwinding;

/// <summary>
/// Malformed call-frame data. Internal: raised by the bounds-checked readers and turned into an
/// error value at every public entry point, so callers never see it.
/// </summary>
internal sealed class DwarfFormatException : Exception
{
    public DwarfFormatException(string message)
        : base(message)
    {
    }
}
