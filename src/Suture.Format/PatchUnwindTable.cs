namespace Suture.Format;

/// <summary>
/// The new code's unwind information: a <c>.eh_frame</c> (CIEs and FDEs, ended by a zero
/// terminator) inside the image, normally in the code part, which is mapped read-only. Apply
/// registers the table with the process's unwinder (<c>__register_frame_info</c>) so exceptions
/// and backtraces pass through the new code; revert deregisters it.
/// </summary>
/// <param name="EhFrameOffset">Image offset of the first CIE; inside the code or the data, 4-byte aligned.</param>
/// <param name="EhFrameSize">Bytes of the table, the 4-byte zero terminator included.</param>
public sealed record PatchUnwindTable(ulong EhFrameOffset, ulong EhFrameSize);
