using Iced.Intel;

namespace Suture.X86;

/// <summary>
/// Instruction boundaries of a function's machine code, decoded with Iced: used to find where the
/// instruction holding a relocation ends (the PC a RIP-relative operand is relative to).
/// </summary>
public sealed class InstructionMap
{
    private readonly int[] _starts;
    private readonly int[] _ends;

    private InstructionMap(int[] starts, int[] ends)
    {
        _starts = starts;
        _ends = ends;
    }

    public int Count => _starts.Length;

    public static InstructionMap Decode(ReadOnlySpan<byte> code)
    {
        var reader = new ByteArrayCodeReader(code.ToArray());
        var decoder = Iced.Intel.Decoder.Create(64, reader);
        var starts = new List<int>();
        var ends = new List<int>();
        while (reader.CanReadByte)
        {
            int start = (int)decoder.IP;
            decoder.Decode(out Instruction instruction);
            starts.Add(start);
            ends.Add((int)instruction.NextIP);
        }

        return new InstructionMap([.. starts], [.. ends]);
    }

    /// <summary>The end offset of the instruction that contains <paramref name="offset"/>, or -1.</summary>
    public int EndOfInstructionAt(int offset)
    {
        int index = Array.BinarySearch(_starts, offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index >= 0 && offset < _ends[index] ? _ends[index] : -1;
    }

    /// <summary>Whether an instruction starts exactly at <paramref name="offset"/>.</summary>
    public bool IsBoundary(int offset) => offset == 0 || Array.BinarySearch(_starts, offset) >= 0 || (_ends.Length > 0 && offset == _ends[^1]);
}
