namespace Suture.Process.Unwinding;

/// <summary>The row of the CFI table for one pc: the CFA rule and the rules of registers 0..16. Not changed once computed (it is cached).</summary>
internal sealed class FrameRules
{
    private readonly RegisterRule[] _registers = new RegisterRule[DwarfRegisters.Count];

    public CfaRule Cfa { get; set; } = CfaRule.Undefined;

    public RegisterRule this[int register] => _registers[register];

    /// <summary>Sets a rule; rules for registers the unwinder does not track (vector registers) are dropped.</summary>
    public void Set(int register, RegisterRule rule)
    {
        if (register >= 0 && register < DwarfRegisters.Count)
        {
            _registers[register] = rule;
        }
    }

    public FrameRules Clone()
    {
        var copy = new FrameRules { Cfa = Cfa };
        _registers.CopyTo(copy._registers, 0);
        return copy;
    }

    public void CopyFrom(FrameRules other)
    {
        Cfa = other.Cfa;
        other._registers.CopyTo(_registers, 0);
    }

    public static RegisterRule Initial(FrameRules? initial, int register) =>
        initial is not null && register >= 0 && register < DwarfRegisters.Count ? initial[register] : default;
}
