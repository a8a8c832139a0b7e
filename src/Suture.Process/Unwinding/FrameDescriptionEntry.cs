namespace Suture.Process.Unwinding;

/// <summary>One FDE of an <see cref="EhFrameTable"/>: the code range it describes, at link-time addresses.</summary>
public sealed class FrameDescriptionEntry
{
    internal FrameDescriptionEntry(int offset, ulong pcBegin, ulong pcEnd, CommonInformationEntry cie, int instructionsStart, int instructionsEnd)
    {
        Offset = offset;
        PcBegin = pcBegin;
        PcEnd = pcEnd;
        Cie = cie;
        InstructionsStart = instructionsStart;
        InstructionsEnd = instructionsEnd;
    }

    /// <summary>Offset of the FDE in .eh_frame.</summary>
    public int Offset { get; }

    public ulong PcBegin { get; }

    /// <summary>First address after the range.</summary>
    public ulong PcEnd { get; }

    /// <summary>True when the CIE's augmentation has 'S' (a signal trampoline such as glibc's <c>__restore_rt</c>).</summary>
    public bool IsSignalFrame => Cie.IsSignalFrame;

    public string Augmentation => Cie.Augmentation;

    internal CommonInformationEntry Cie { get; }

    internal int InstructionsStart { get; }

    internal int InstructionsEnd { get; }

    public bool Contains(ulong pc) => pc >= PcBegin && pc < PcEnd;

    public override string ToString() => $"FDE at 0x{Offset:x}: 0x{PcBegin:x}..0x{PcEnd:x} \"{Augmentation}\"";
}
