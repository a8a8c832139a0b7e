using Suture.Elf;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.X86;

namespace Suture.Patching.Engine.Coroutines;

/// <summary>
/// Tells whether OpenSSL's <c>libcrypto</c> in a process has ever set up its asynchronous jobs, the
/// only use it makes of <c>makecontext</c>/<c>setcontext</c>. A job runs on a context made by
/// <c>async_fibre_makecontext</c>, which only <c>ASYNC_start_job</c> and <c>ASYNC_init_thread</c>
/// reach, and both first run <c>async_init</c>: it creates the two thread-local keys of the job
/// machinery, <c>ctxkey</c> (the thread's dispatcher context and current job) and <c>poolkey</c>
/// (its pool of jobs), static variables that are zero until then. Two created keys are never both
/// zero (keys are distinct), so both reading zero proves that no job, running, paused or pooled,
/// has ever existed in the process.
/// <para>
/// The keys are static (libcrypto is stripped of them), so they are found where libcrypto's code
/// names them: <c>ASYNC_pause_job</c> calls <c>async_get_ctx</c>, i.e.
/// <c>CRYPTO_THREAD_get_local(&amp;ctxkey)</c>, and <c>ASYNC_init_thread</c> ends with
/// <c>CRYPTO_THREAD_set_local(&amp;poolkey, pool)</c>. Every step is verified (the callee is the
/// exported function, through its PLT slot as the process resolved it; each key lies in
/// libcrypto's writable data); anything unexpected answers "unknown", which keeps the refusal.
/// </para>
/// </summary>
internal static class OpenSslAsync
{
    private const int MaxFunctionSize = 4096;

    /// <summary>True for the objects this knows: OpenSSL 3's libcrypto.</summary>
    public static bool IsLibcrypto(LoadedObject loaded, ElfFile file) =>
        (file.Soname ?? loaded.FileName) == "libcrypto.so.3";

    /// <summary>
    /// False when the process has provably never created an async job; true when it has set up
    /// async jobs; null when the evidence cannot be read (then the caller refuses as before).
    /// </summary>
    public static bool? HasStartedJobs(LoadedObject loaded, ElfFile file, ProcessMemory memory, out string detail)
    {
        detail = "its async job keys could not be located";
        ulong? getLocal = Exported(file, "CRYPTO_THREAD_get_local", loaded.Bias);
        ulong? setLocal = Exported(file, "CRYPTO_THREAD_set_local", loaded.Bias);
        byte[]? pause = Code(file, "ASYNC_pause_job", loaded.Bias, memory, out ulong pauseAddress);
        byte[]? init = Code(file, "ASYNC_init_thread", loaded.Bias, memory, out ulong initAddress);
        if (getLocal is null || setLocal is null || pause is null || init is null)
        {
            return null;
        }

        ulong? ctxKey = KeyPassedTo(pause, pauseAddress, getLocal.Value, memory);
        if (ctxKey is null && AddressArguments.FirstCall(pause, pauseAddress) is { } helper)
        {
            // async_get_ctx is a separate function here: lea rdi, [rip + ctxkey]; jmp CRYPTO_THREAD_get_local.
            byte[] helperCode = new byte[32];
            ctxKey = memory.TryRead(helper, helperCode) ? KeyPassedTo(helperCode, helper, getLocal.Value, memory) : null;
        }

        ulong? poolKey = KeyPassedTo(init, initAddress, setLocal.Value, memory);
        if (ctxKey is not { } ctx || poolKey is not { } pool || ctx == pool || !InWritableData(loaded, file, ctx) || !InWritableData(loaded, file, pool))
        {
            return null;
        }

        byte[] values = new byte[4];
        byte[] other = new byte[4];
        if (!memory.TryRead(ctx, values) || !memory.TryRead(pool, other))
        {
            return null;
        }

        uint ctxValue = BitConverter.ToUInt32(values);
        uint poolValue = BitConverter.ToUInt32(other);
        detail = $"its async job keys (0x{ctx - loaded.Bias:x}, 0x{pool - loaded.Bias:x}) hold {ctxValue} and {poolValue}";
        return ctxValue != 0 || poolValue != 0;
    }

    /// <summary>The one key argument passed to <paramref name="callee"/> in the code, or null when none or several differ.</summary>
    private static ulong? KeyPassedTo(byte[] code, ulong address, ulong callee, ProcessMemory memory)
    {
        var keys = AddressArguments.Find(code, address)
            .Where(call => Reaches(call.Target, callee, memory))
            .Select(call => call.Argument)
            .Distinct()
            .ToList();
        return keys.Count == 1 ? keys[0] : null;
    }

    /// <summary>True when a call to <paramref name="target"/> runs <paramref name="callee"/>: directly, or through a PLT stub whose slot holds it.</summary>
    private static bool Reaches(ulong target, ulong callee, ProcessMemory memory)
    {
        if (target == callee)
        {
            return true;
        }

        byte[] stub = new byte[16];
        return memory.TryRead(target, stub)
            && AddressArguments.PltSlot(stub, target) is { } slot
            && memory.TryReadWord(slot) == callee;
    }

    private static ulong? Exported(ElfFile file, string name, ulong bias)
    {
        ElfSymbol? symbol = file.DynamicSymbols.FirstOrDefault(s => s.IsDefined && s.Name == name && s.Type == ElfSymbolType.Func);
        return symbol is null ? null : bias + symbol.Value;
    }

    private static byte[]? Code(ElfFile file, string name, ulong bias, ProcessMemory memory, out ulong address)
    {
        address = 0;
        ElfSymbol? symbol = file.DynamicSymbols.FirstOrDefault(s => s.IsDefined && s.Name == name && s.Type == ElfSymbolType.Func);
        if (symbol is null || symbol.Size is 0 or > MaxFunctionSize)
        {
            return null;
        }

        address = bias + symbol.Value;
        byte[] code = new byte[symbol.Size];
        return memory.TryRead(address, code) ? code : null;
    }

    /// <summary>Inside the object's writable PT_LOAD segment (its .data or .bss, up to the segment's memory size).</summary>
    private static bool InWritableData(LoadedObject loaded, ElfFile file, ulong address) =>
        file.Segments.Any(s => s.Type == ElfSegmentType.Load && (s.Flags & ElfSegmentFlags.W) != 0 && (s.Flags & ElfSegmentFlags.X) == 0
            && address >= loaded.Bias + s.VirtualAddress && address + 4 <= loaded.Bias + s.VirtualAddress + s.MemorySize);
}
