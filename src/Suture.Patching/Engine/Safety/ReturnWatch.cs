using System.Buffers.Binary;
using System.Globalization;
using Suture.Patching.Engine.Unwind;
using Suture.Process.Memory;
using Suture.Process.Tracing;
using Suture.Process.Unwinding;
using static Suture.Process.Tracing.SyscallNumbers;

namespace Suture.Patching.Engine.Safety;

/// <summary>
/// Lets a thread that is almost always inside a function being replaced (a worker that sleeps in
/// it) leave it, and catches it there: the return address of its outermost busy frame is pointed
/// at a small stub in a page of its own, which parks the returning thread in <c>nanosleep</c> for
/// at most <see cref="HoldTime"/>, then goes on to the real return address with every register the
/// caller can see as it was. While the other threads run, suture polls the parked thread; once
/// every watched thread is parked (or the first has waited half the hold), the whole process is
/// stopped again and checked as always, each parked thread as if it had just returned. Every stop
/// puts every parked thread back at its return address and every unused return address back.
/// <para>
/// Nothing that needs suture is left in the target: were suture killed at any moment, a thread
/// returning through its stub sleeps at most <see cref="HoldTime"/> and carries on exactly as it
/// would have; the stub page (anonymous, not a patch mapping, so nothing reclaims it) stays
/// mapped. No breakpoint is used: a software int3, or a debug register (which the kernel keeps
/// after the tracer detaches or dies and clears only at exec and exit), would deliver a fatal
/// SIGTRAP to a thread returning after suture died. See docs/consistency.md.
/// </para>
/// </summary>
internal sealed class ReturnWatch
{
    /// <summary>Longest a returning thread is parked.</summary>
    public static readonly TimeSpan HoldTime = TimeSpan.FromSeconds(1);

    private const int PageSize = 4096;
    private const int StubSize = 64;
    private const int MaxStubs = 32; // stub k at (k + 1) * StubSize: the byte before each is in the page
    private const int TableOffset = (MaxStubs + 1) * StubSize;
    private const int OrigOffset = 32;
    private const int InSyscallOffset = 17; // the pop after the syscall: where a parked thread's rip is
    private const int AfterPopOffset = 18;
    private const int TimespecOffset = PageSize - 16;
    private const long Nanosleep = 35;

    private readonly int _pid;
    private readonly ProcessMemory _memory;
    private readonly SyscallGadgets _gadgets;
    private readonly IStackWalker _walker;
    private readonly Func<UnwindRegistration?> _findUnwinder;
    private readonly List<Watched> _watched = [];
    private UnwindRegistration? _unwinder;
    private bool _registered;
    private ulong _page;
    private bool _unusable;
    private bool _settled = true;

    /// <param name="findUnwinder">
    /// The process's unwinder (<see cref="UnwindRegistration.Find"/>), asked once when a page is
    /// first needed: the stubs' unwind table is registered with it, so exceptions, cancellation and
    /// <c>backtrace()</c> pass a watched frame. A process that can raise exceptions without a
    /// registration function is not watched.
    /// </param>
    public ReturnWatch(int pid, ProcessMemory memory, SyscallGadgets gadgets, IStackWalker walker, Func<UnwindRegistration?> findUnwinder)
    {
        _pid = pid;
        _memory = memory;
        _gadgets = gadgets;
        _walker = walker;
        _findUnwinder = findUnwinder;
    }

    /// <summary>Threads currently watched (their return addresses point at stubs).</summary>
    public int Count => _watched.Count;

    /// <summary>True when <see cref="Arm"/> found watchable threads but no stub page yet: call <see cref="Prepare"/>, then stop again.</summary>
    public bool NeedsPage { get; private set; }

    /// <summary>
    /// Call first in every stop: puts every thread found in a stub at its return address, and every
    /// return address not yet used back in its frame; the stubs are then unused.
    /// </summary>
    public void Settle(StoppedProcess stopped)
    {
        if (_page == 0)
        {
            return;
        }

        _settled = false;
        foreach (TracedThread thread in stopped.Threads)
        {
            ThreadRegisters regs = stopped.GetRegisters(thread);
            if (InPage(regs.Rip))
            {
                stopped.SetRegisters(thread, Returned(regs));
            }
        }

        foreach (Watched watch in _watched)
        {
            TracedThread? thread = stopped.Threads.FirstOrDefault(t => t.Tid == watch.Tid);
            bool live = thread is not null && stopped.GetRegisters(thread).Rsp <= watch.Slot;
            if (live && _memory.TryReadWord(watch.Slot) == watch.Stub)
            {
                // Not returned yet (the stub's push overwrites the slot when it runs): undo.
                _memory.Write(watch.Slot, BitConverter.GetBytes(watch.ReturnAddress));
            }
        }

        _watched.Clear();
        _settled = true;
    }

    /// <summary>
    /// Call after <see cref="Settle"/> when the check found busy threads: watches the return of the
    /// outermost busy frame of each thread where that can be done safely. False when none is watched.
    /// </summary>
    public bool Arm(StoppedProcess stopped, IReadOnlyList<ThreadVerdict> busy, IReadOnlyList<CodeRange> ranges)
    {
        var targets = new List<(int Tid, ulong Slot, ulong ReturnAddress)>();
        foreach (ThreadVerdict verdict in busy)
        {
            if (verdict.Tid == 0 || Watchable(verdict, ranges) is not { } frame)
            {
                return false; // a coroutine, or a stack whose return cannot be watched: nothing would help
            }

            targets.Add((verdict.Tid, frame.Slot, frame.ReturnAddress));
        }

        if (targets.Count == 0 || targets.Count > MaxStubs || _unusable)
        {
            return false;
        }

        if (_page == 0)
        {
            NeedsPage = true; // mapped by Prepare, with the other threads running
            return false;
        }

        _settled = false;
        WriteTimespec();
        for (int i = 0; i < targets.Count; i++)
        {
            ulong stub = StubAddress(i);
            _memory.Write(stub, Stub(stub, targets[i].ReturnAddress));
            _memory.Write(targets[i].Slot, BitConverter.GetBytes(stub));
            _watched.Add(new Watched(targets[i].Tid, targets[i].Slot, targets[i].ReturnAddress, stub));
        }

        return true;
    }

    /// <summary>
    /// With the process running: waits until every watched thread is parked (or has left the frame
    /// without its stub), or the first parked one has waited half the hold, or <paramref name="budget"/>
    /// has passed. Timed with the monotonic clock: a change of the wall clock shortens or lengthens nothing.
    /// </summary>
    public void WaitForReturns(TimeSpan budget, CancellationToken cancellation)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        long? firstParked = null;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < budget && !cancellation.IsCancellationRequested)
        {
            // A thread that left the frame another way (an exception, longjmp) overwrote or
            // abandoned its slot: it will not park; stop waiting for it.
            int parked = 0;
            int passed = 0;
            foreach (Watched watch in _watched)
            {
                if (IsParked(watch))
                {
                    parked++;
                }
                else if (_memory.TryReadWord(watch.Slot) != watch.Stub)
                {
                    passed++;
                }
            }

            if (parked + passed >= _watched.Count)
            {
                return;
            }

            if (parked > 0)
            {
                firstParked ??= System.Diagnostics.Stopwatch.GetTimestamp();
                if (System.Diagnostics.Stopwatch.GetElapsedTime(firstParked.Value) > HoldTime / 2)
                {
                    return;
                }
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>
    /// Deregisters and removes the stub page, with one thread stopped (the unwinder's lock may be
    /// held by a running thread, which must be able to go on). Call when the operation is over,
    /// after a stop whose <see cref="Settle"/> completed. Does nothing while a stub may still be in
    /// use (a settle failed half way); a failure leaves the page mapped, unused.
    /// </summary>
    public void Release()
    {
        if (_page == 0 || !_settled)
        {
            return;
        }

        ulong page = _page;
        _page = 0;
        try
        {
            using StoppedProcess one = StoppedProcess.StopOneThread(_pid);
            using var syscalls = new RemoteSyscalls(one, _memory, _gadgets);
            if (_registered)
            {
                _unwinder!.Deregister(_pid, syscalls, _walker, page + TableOffset);
                _registered = false;
            }

            syscalls.Invoke(Munmap, page, 2 * PageSize);
        }
        catch (SutureException)
        {
            // The pages stay, unused; still registered if deregistering failed, which is harmless
            // as long as they stay mapped (they are never unmapped while registered).
        }
    }

    /// <summary>The outermost frame in the ranges, if its return can be watched: a plain call frame whose return address is where the unwinder found it.</summary>
    private (ulong Slot, ulong ReturnAddress)? Watchable(ThreadVerdict verdict, IReadOnlyList<CodeRange> ranges)
    {
        IReadOnlyList<StackFrame>? frames = verdict.Stack.Frames;
        if (frames is null || verdict.Stack.Failure is not null)
        {
            return null;
        }

        int outermost = -1;
        for (int i = 0; i < frames.Count; i++)
        {
            if (ranges.Any(r => r.Contains(frames[i].LookupPc)))
            {
                outermost = i;
            }
        }

        if (outermost < 0 || outermost + 1 >= frames.Count)
        {
            return null;
        }

        StackFrame busy = frames[outermost];
        StackFrame caller = frames[outermost + 1];
        if (busy.IsSignalFrame || caller.IsSignalFrame || !caller.IsReturnAddress || InPage(caller.Pc))
        {
            return null;
        }

        ulong slot = busy.Cfa - 8;
        return _memory.TryReadWord(slot) == caller.Pc ? (slot, caller.Pc) : null;
    }

    /// <summary>
    /// Maps the stub page, writes the stubs and their unwind table, and registers the table with
    /// the process's unwinder, with one thread stopped and the others running (a function call into
    /// the unwinder takes its lock, which a stopped thread might hold). False when watching is not
    /// possible in this process.
    /// </summary>
    public bool Prepare()
    {
        NeedsPage = false;
        if (_page != 0)
        {
            return true;
        }

        if (_unusable || UsesShadowStack())
        {
            _unusable = true;
            return false;
        }

        try
        {
            _unwinder = _findUnwinder();
        }
        catch (SutureException)
        {
            _unusable = true; // it can raise exceptions, but the stubs' table cannot be registered
            return false;
        }

        using StoppedProcess one = StoppedProcess.StopOneThread(_pid);
        using var syscalls = new RemoteSyscalls(one, _memory, _gadgets);
        long page = syscalls.Invoke(Mmap, 0, 2 * PageSize, ProtRead | ProtExec, MapPrivate | MapAnonymous, ulong.MaxValue, 0);
        if (page < 0 && page > -4096)
        {
            _unusable = true; // e.g. the process may not map new executable memory
            return false;
        }

        ulong address = (ulong)page;
        try
        {
            // The second page holds the unwinder's record of the table: read-write, never executable.
            syscalls.Check("mprotect", Mprotect, address + PageSize, PageSize, ProtRead | ProtWrite);
            for (int i = 0; i < MaxStubs; i++)
            {
                _memory.Write(StubAddress(address, i), Stub(address, StubAddress(address, i), 0));
            }

            _memory.Write(address + TableOffset, StubUnwindTable.Build(address + TableOffset, Enumerable.Range(0, MaxStubs).Select(i => StubAddress(address, i)).ToList(), StubSize, OrigOffset, InSyscallOffset));
        }
        catch (SutureException)
        {
            _unusable = true;
            syscalls.Invoke(Munmap, address, 2 * PageSize); // nothing refers to it yet
            return false;
        }

        if (_unwinder is not null)
        {
            try
            {
                _unwinder.Register(_pid, syscalls, _walker, address + TableOffset, address + PageSize);
            }
            catch (SutureException)
            {
                _unusable = true; // perhaps registered: the pages stay mapped for good, unused
                return false;
            }

            _registered = true;
        }

        _page = address;
        return true;
    }

    /// <summary>A thread with a hardware shadow stack would fault on a return address that was changed.</summary>
    private bool UsesShadowStack() =>
        ProcStatus.ReadProcess(_pid) is not { } status || (status.Field("x86_Thread_features")?.Contains("shstk", StringComparison.Ordinal) ?? false);

    private void WriteTimespec()
    {
        byte[] timespec = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(timespec, (long)HoldTime.TotalSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(timespec.AsSpan(8), (long)(HoldTime.TotalMilliseconds % 1000) * 1_000_000);
        _memory.Write(_page + TimespecOffset, timespec);
    }

    /// <summary>
    /// <c>push rax; lea rdi, [rip + timespec]; xor esi, esi; mov eax, 35; syscall; pop rax;
    /// jmp [rip + return address]</c>: only caller-saved registers the caller cannot rely on after a
    /// return (rdi, rsi, rcx, r11, flags) change.
    /// </summary>
    private byte[] Stub(ulong stub, ulong returnAddress) => Stub(_page, stub, returnAddress);

    private static ulong StubAddress(ulong page, int index) => page + (ulong)((index + 1) * StubSize);

    private ulong StubAddress(int index) => StubAddress(_page, index);

    private static byte[] Stub(ulong page, ulong stub, ulong returnAddress)
    {
        byte[] code = new byte[StubSize];
        code.AsSpan().Fill(0xcc);
        code[0] = 0x50;
        code[1] = 0x48;
        code[2] = 0x8d;
        code[3] = 0x3d;
        BinaryPrimitives.WriteInt32LittleEndian(code.AsSpan(4), (int)(long)(page + TimespecOffset - (stub + 8)));
        code[8] = 0x31;
        code[9] = 0xf6;
        code[10] = 0xb8;
        BinaryPrimitives.WriteInt32LittleEndian(code.AsSpan(11), (int)Nanosleep);
        code[15] = 0x0f;
        code[16] = 0x05;
        code[InSyscallOffset] = 0x58;
        code[AfterPopOffset] = 0xff;
        code[19] = 0x25;
        BinaryPrimitives.WriteInt32LittleEndian(code.AsSpan(20), OrigOffset - 24);
        BinaryPrimitives.WriteUInt64LittleEndian(code.AsSpan(OrigOffset), returnAddress);
        return code;
    }

    private bool InPage(ulong address) => _page != 0 && address >= _page && address < _page + (2 * PageSize);

    /// <summary>The registers of a thread in a stub, moved on to the return address.</summary>
    private ThreadRegisters Returned(in ThreadRegisters regs)
    {
        ulong stub = _page + ((regs.Rip - _page) / StubSize * StubSize);
        if (stub == _page || regs.Rip >= _page + TableOffset)
        {
            throw new SutureException($"process {_pid}: a thread runs at 0x{regs.Rip:x}, in the stub page but outside every stub");
        }

        ulong offset = regs.Rip - stub;
        ulong returnAddress = _memory.TryReadWord(stub + OrigOffset) ?? throw new SutureException($"process {_pid}: the stub page at 0x{_page:x} cannot be read");
        if (offset is > 0 and <= InSyscallOffset)
        {
            // rax is pushed: take it back.
            ulong rax = _memory.TryReadWord(regs.Rsp) ?? throw new SutureException($"process {_pid}: the stack at 0x{regs.Rsp:x} cannot be read");
            return regs.With(rip: returnAddress, rsp: regs.Rsp + 8, rax: rax, noRestart: true); // the parking nanosleep is not restarted
        }

        return regs.With(rip: returnAddress, noRestart: true);
    }

    /// <summary>True when the thread sleeps in its stub's nanosleep (read from /proc, without stopping it).</summary>
    private bool IsParked(Watched watch)
    {
        try
        {
            string line = File.ReadAllText($"/proc/{_pid}/task/{watch.Tid}/syscall").Trim();
            string[] fields = line.Split(' ');
            return fields.Length >= 9 && fields[0] == "35"
                && ulong.TryParse(fields[^1].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong pc)
                && pc == watch.Stub + InSyscallOffset;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed record Watched(int Tid, ulong Slot, ulong ReturnAddress, ulong Stub);
}
