using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Unwind;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Placement;

/// <summary>
/// Removes a patch's memory that no entry jumps to any more (reverted, backed out, or an orphan
/// of a killed run), with one thread borrowed for the calls. Each step is recorded before it is
/// taken, so a run killed here leaves a record the next run continues from: the unwind table is
/// deregistered before the memory goes, and never twice.
/// </summary>
internal static class PatchUnloader
{
    /// <summary>Bytes of libgcc's <c>struct object</c> that <c>__register_frame_info</c> fills.</summary>
    private const int RegisteredObjectSize = 56;

    /// <summary>Deregisters (when registered) and unmaps <paramref name="record"/>, which must already be in the unloading phase.</summary>
    public static void Unload(int pid, RemoteSyscalls syscalls, ProcessMemory memory, IStackWalker walker, UnwindRegistration? unwinder, AppliedPatch record)
    {
        AppliedPatch current = record;
        if (current.UnwindState == UnwindState.Registering)
        {
            // The registration call either never ran (its record in the patch memory is still
            // zero) or completed in the target after suture died (libgcc filled it).
            bool ran = current.UnwindRecord != 0 && memory.Read(current.UnwindRecord, RegisteredObjectSize).AsSpan().ContainsAnyExcept((byte)0);
            current = Write(memory, current with { UnwindState = ran ? UnwindState.Registered : UnwindState.None });
        }

        if (current.UnwindState == UnwindState.Deregistering)
        {
            throw new SutureException(
                $"the memory of patch {current.PatchId} at 0x{current.Base:x} in process {pid} stays mapped: a suture run was killed while deregistering its unwind table, and whether that finished cannot be told (deregistering twice would abort the process, unmapping a registered table would crash its next exception); it costs {current.MappedSize} bytes and is otherwise harmless",
                ExitCode.Failure);
        }

        if (current.UnwindState == UnwindState.Registered)
        {
            if (unwinder is null)
            {
                throw new SutureException($"patch {current.PatchId} registered its unwind table in process {pid}, but the unwinder that holds it is no longer found; its memory at 0x{current.Base:x} stays mapped", ExitCode.Failure);
            }

            current = Write(memory, current with { UnwindState = UnwindState.Deregistering });
            try
            {
                unwinder.Deregister(pid, syscalls, walker, current.UnwindTable);
            }
            catch (SutureException e) when (e.ExitCode == ExitCode.Busy)
            {
                // Refused before calling: the table is still registered.
                Write(memory, current with { UnwindState = UnwindState.Registered });
                throw;
            }

            current = Write(memory, current with { UnwindState = UnwindState.Deregistered });
        }

        UnmapOwn(pid, syscalls, current.Base, current.Base + current.MappedSize);
    }

    /// <summary>
    /// Unmaps the suture memfd mappings between <paramref name="start"/> and <paramref name="end"/>
    /// as /proc/PID/maps shows them now: after an interrupted unmap part of the range may already
    /// be free again, and the process may have mapped something of its own there.
    /// </summary>
    public static void UnmapOwn(int pid, RemoteSyscalls syscalls, ulong start, ulong end)
    {
        foreach (MemoryMapping mapping in MemoryMapReader.Read(pid).Where(m => m.Start >= start && m.End <= end && m.Path.StartsWith(AppliedPatchReader.MapsPrefix, StringComparison.Ordinal)))
        {
            RemoteMapper.Unmap(syscalls, mapping.Start, mapping.Size);
        }
    }

    /// <summary><see cref="Unload"/> for a failure path: a refusal leaves the memory to a later gc, which reports it.</summary>
    public static void TryUnload(int pid, RemoteSyscalls syscalls, ProcessMemory memory, IStackWalker walker, UnwindRegistration? unwinder, AppliedPatch record)
    {
        try
        {
            Unload(pid, syscalls, memory, walker, unwinder, record);
        }
        catch (SutureException)
        {
            // Recorded in the target; `suture gc` reclaims or reports it.
        }
    }

    /// <summary>The record as the target holds it now, or null if it does not decode.</summary>
    public static AppliedPatch? ReadBack(ProcessMemory memory, AppliedPatch record) =>
        AppliedPatchReader.TryReadRecord(memory, record.RecordAddress, ulong.MaxValue, out _);

    /// <summary>Writes the record back in place; returns it.</summary>
    public static AppliedPatch Write(ProcessMemory memory, AppliedPatch record)
    {
        memory.Write(record.RecordAddress, AppliedPatchCodec.Encode(record));
        return record;
    }
}
