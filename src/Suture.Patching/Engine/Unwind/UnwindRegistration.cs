using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Symbols;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Unwind;

/// <summary>
/// Registers a patch's unwind table with the process's unwinder, libgcc's
/// <c>__register_frame_info(table, object)</c>, so C++ exceptions, <c>backtrace()</c> and thread
/// cancellation unwind through the new code; revert calls <c>__deregister_frame_info(table)</c>
/// before the memory goes. The unwinder's record lives in the patch's own memory (a read-write
/// area after the image, mapped only for processes that have an unwinder), so registering does
/// not allocate. A process that has no libgcc unwinder loaded (most C programs) has nothing
/// that could unwind through the code, and is left alone.
/// <para>
/// Both functions take the unwinder's lock, and deregistering may free. A thread borrowed while
/// it is inside the unwinder could hold that lock and wait on itself forever, so the call is
/// refused (the operation fails cleanly and can be retried) when any frame of the borrowed thread
/// is in the object that provides the unwinder.
/// </para>
/// </summary>
internal sealed class UnwindRegistration
{
    /// <summary>Bytes of read-write memory the unwinder keeps its record of a table in (libgcc's <c>struct object</c> takes 56).</summary>
    public const ulong RecordSize = 128;

    private const string Version = "GCC_3.0";

    private readonly SymbolDefinition _register;
    private readonly SymbolDefinition _deregister;

    private UnwindRegistration(SymbolDefinition register, SymbolDefinition deregister)
    {
        _register = register;
        _deregister = deregister;
    }

    /// <summary>
    /// The process's unwinder, or null when it has none (no loaded object can raise an exception).
    /// Throws when it can unwind but the registration functions are not found: an exception
    /// through new code it does not know would end the process.
    /// </summary>
    public static UnwindRegistration? Find(int pid, ExternalSymbolResolver resolver)
    {
        SymbolDefinition? register = resolver.FindDefinition("__register_frame_info", Version);
        SymbolDefinition? deregister = resolver.FindDefinition("__deregister_frame_info", Version);
        if (register is not null && deregister is not null)
        {
            return new UnwindRegistration(register, deregister);
        }

        SymbolDefinition? raise = resolver.FindDefinition("_Unwind_RaiseException", Version);
        return raise is null
            ? null
            : throw new SutureException(
                $"process {pid} can raise exceptions ({raise.Definer.FileName} defines _Unwind_RaiseException) but no loaded object exports __register_frame_info@{Version}, so the new code's unwind table cannot be registered and an exception through it would end the process; not applying",
                ExitCode.Unpatchable);
    }

    public void Register(int pid, RemoteSyscalls syscalls, IStackWalker walker, ulong table, ulong registration)
    {
        EnsureOutsideUnwinder(pid, syscalls, walker, "register");
        syscalls.Call(Address(_register), table, registration);
    }

    public void Deregister(int pid, RemoteSyscalls syscalls, IStackWalker walker, ulong table)
    {
        EnsureOutsideUnwinder(pid, syscalls, walker, "deregister");
        syscalls.Call(Address(_deregister), table);
    }

    private static ulong Address(SymbolDefinition definition) => definition.Definer.Bias + definition.Symbol.Value;

    private void EnsureOutsideUnwinder(int pid, RemoteSyscalls syscalls, IStackWalker walker, string what)
    {
        LoadedObject unwinder = _register.Definer;
        ThreadFrames frames = walker.Walk(syscalls.BorrowedRegisters);
        bool inside = frames.ProgramCounters.Any(pc => unwinder.Mappings.Any(m => m.Contains(pc)));
        if (inside || frames.Failure is not null)
        {
            throw new SutureException(
                $"cannot {what} the patch's unwind table in process {pid} now: the thread suture borrows is {(inside ? $"inside the unwinder ({unwinder.FileName})" : "on a stack that cannot be walked")}; nothing was changed, try again",
                ExitCode.Busy);
        }
    }
}
