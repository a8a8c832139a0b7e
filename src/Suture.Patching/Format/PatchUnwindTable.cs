namespace Suture.Patching.Format;

/// <summary>
/// The new code's unwind information: a <c>.eh_frame</c> (CIEs and FDEs, ended by a zero
/// terminator) inside the image's data, and an area the C++ runtime keeps its registration
/// record in. Apply registers the table with the process's unwinder (<c>__register_frame_info</c>)
/// so exceptions and backtraces pass through the new code; revert deregisters it.
/// </summary>
/// <param name="EhFrameOffset">Image offset of the first CIE; inside the data, 4-byte aligned.</param>
/// <param name="EhFrameSize">Bytes of the table, the 4-byte zero terminator included.</param>
/// <param name="RegistrationOffset">
/// Image offset of <see cref="RegistrationSize"/> zero bytes in the data or bss, 8-byte aligned,
/// handed to the unwinder as its <c>struct object</c>.
/// </param>
public sealed record PatchUnwindTable(ulong EhFrameOffset, ulong EhFrameSize, ulong RegistrationOffset)
{
    /// <summary>Bytes reserved for the unwinder's record (libgcc's <c>struct object</c> takes 56).</summary>
    public const ulong RegistrationSize = 128;
}
