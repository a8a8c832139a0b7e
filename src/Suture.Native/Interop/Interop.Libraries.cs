namespace Suture.Native;

internal static partial class Interop
{
    internal const string Libc = "libc.so.6";
}
