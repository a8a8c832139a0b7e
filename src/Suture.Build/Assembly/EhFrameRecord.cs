using Suture.Elf;

namespace Suture.Build.Assembly;

/// <summary>One CIE or FDE of an object's <c>.eh_frame</c>: where it is, and for an FDE its CIE and the code section it covers.</summary>
/// <param name="Start">Offset of the length field in the section.</param>
/// <param name="Length">Bytes of the record, the length field included.</param>
/// <param name="HeaderLength">Bytes of the length field (4, or 12 with a 64-bit extended length); the CIE id or pointer follows.</param>
/// <param name="CieStart">For an FDE the offset of its CIE; -1 for a CIE.</param>
/// <param name="Code">For an FDE the section its initial location is relocated against.</param>
internal sealed record EhFrameRecord(int Start, int Length, int HeaderLength, int CieStart, ElfSection? Code)
{
    public bool IsCie => CieStart < 0;

    public bool Contains(ulong offset) => offset >= (ulong)Start && offset < (ulong)(Start + Length);
}
