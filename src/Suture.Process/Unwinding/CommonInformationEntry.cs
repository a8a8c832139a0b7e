namespace Suture.Process.Unwinding;

/// <summary>A decoded CIE of .eh_frame: the defaults its FDEs share.</summary>
internal sealed class CommonInformationEntry
{
    public required int Offset { get; init; }

    public required string Augmentation { get; init; }

    public required ulong CodeAlignment { get; init; }

    public required long DataAlignment { get; init; }

    public required int ReturnAddressRegister { get; init; }

    /// <summary>'z' augmentation: FDEs carry an augmentation-data length.</summary>
    public required bool HasAugmentationData { get; init; }

    /// <summary>'R': encoding of the FDEs' pc_begin (and, without the application bits, pc_range).</summary>
    public required byte FdeEncoding { get; init; }

    /// <summary>'S': FDEs using this CIE describe a signal trampoline.</summary>
    public required bool IsSignalFrame { get; init; }

    public required int InstructionsStart { get; init; }

    public required int InstructionsEnd { get; init; }
}
