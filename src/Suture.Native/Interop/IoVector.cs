using System.Runtime.InteropServices;

namespace Suture.Native;

/// <summary>struct iovec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoVector
{
    public nint Base;
    public nuint Length;
}
