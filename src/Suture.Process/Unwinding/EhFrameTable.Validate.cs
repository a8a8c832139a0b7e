using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

public sealed partial class EhFrameTable
{
    /// <summary>
    /// Decodes every CIE and FDE of .eh_frame and runs every FDE's instructions; returns the problems
    /// found (at most <paramref name="maxProblems"/>), empty when the whole section is well formed.
    /// Lookups decode lazily; this is for diagnostics and tests.
    /// </summary>
    public IReadOnlyList<string> Validate(int maxProblems = 100)
    {
        var problems = new List<string>();
        ReadOnlySpan<byte> data = _data.Span;
        int offset = 0;
        while (problems.Count < maxProblems)
        {
            EhFrameEntry entry;
            try
            {
                if (!EhFrameEntry.Next(data, ref offset, out entry))
                {
                    break;
                }
            }
            catch (DwarfFormatException e)
            {
                problems.Add(e.Message);
                break;
            }

            try
            {
                if (entry.IsCie)
                {
                    GetCie(entry.Offset);
                }
                else if (TryGetFde(entry.Offset, out FrameDescriptionEntry? fde, out string? error))
                {
                    CfaInterpreter.Run(this, fde, ulong.MaxValue);
                }
                else
                {
                    problems.Add(error);
                }
            }
            catch (Exception e) when (e is DwarfFormatException or ArithmeticException)
            {
                problems.Add($"{(entry.IsCie ? "CIE" : "FDE")} at offset 0x{entry.Offset:x}: {e.Message}");
            }
        }

        return problems;
    }

    /// <summary>
    /// The code ranges [begin, end) of the indexed FDEs, lowest first; an FDE that does not decode
    /// is reported in <paramref name="problems"/> instead.
    /// </summary>
    public IReadOnlyList<(ulong Begin, ulong End)> Ranges(List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var ranges = new List<(ulong, ulong)>(_starts.Length);
        for (int i = 0; i < _starts.Length; i++)
        {
            if (TryGetFde(_offsets[i], out FrameDescriptionEntry? fde, out string? error))
            {
                ranges.Add((fde.PcBegin, fde.PcEnd));
            }
            else
            {
                problems.Add(error);
            }
        }

        return ranges;
    }
}
