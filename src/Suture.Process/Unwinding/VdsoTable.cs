using System.Diagnostics.CodeAnalysis;
using Suture.Elf;
using Suture.Process.Memory;

namespace Suture.Process.Unwinding;

/// <summary>Reads the vDSO image from a process's memory and builds its unwind table.</summary>
internal static class VdsoTable
{
    private const ulong MaxSize = 1 << 20;

    public static bool TryRead(ProcessMemory memory, MemoryMapping vdso, [NotNullWhen(true)] out EhFrameTable? table, out ulong bias, [NotNullWhen(false)] out string? error)
    {
        table = null;
        bias = 0;
        if (vdso.Size > MaxSize)
        {
            error = $"the [vdso] mapping is {vdso.Size} bytes, more than {MaxSize}";
            return false;
        }

        byte[] image = new byte[vdso.Size];
        if (!memory.TryRead(vdso.Start, image))
        {
            error = $"could not read the [vdso] at 0x{vdso.Start:x}";
            return false;
        }

        if (!ElfFile.TryRead(image, "[vdso]", out ElfFile? file, out error))
        {
            return false;
        }

        table = EhFrameTable.Load(file);
        if (table is null)
        {
            error = "the [vdso] has no .eh_frame";
            return false;
        }

        bias = vdso.Start - file.LoadBase;
        return true;
    }
}
