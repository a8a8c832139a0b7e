namespace Suture.Process.Unwinding;

/// <summary>DWARF register numbers of x86-64 (System V psABI, figure 3.36); 16 is the return address.</summary>
internal static class DwarfRegisters
{
    public const int Rax = 0;
    public const int Rdx = 1;
    public const int Rcx = 2;
    public const int Rbx = 3;
    public const int Rsi = 4;
    public const int Rdi = 5;
    public const int Rbp = 6;
    public const int Rsp = 7;
    public const int R8 = 8;
    public const int R12 = 12;
    public const int R15 = 15;
    public const int Rip = 16;

    /// <summary>The registers the unwinder tracks: 0..16.</summary>
    public const int Count = 17;

    private static readonly string[] Names =
        ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"];

    public static string Name(int register) => register >= 0 && register < Count ? Names[register] : $"r{register}";

    /// <summary>Registers a called function must preserve (besides rsp).</summary>
    public static bool IsCalleeSaved(int register) => register is Rbx or Rbp or (>= R12 and <= R15);
}
