using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.X86;

namespace Suture.Patching.Engine.Entries;

/// <summary>
/// Writes function entries and patch records while the process is stopped, remembering what it
/// changed so a failure half-way puts everything back.
/// </summary>
internal sealed class EntryWriter
{
    private readonly ProcessMemory _memory;
    private readonly Stack<(ulong Address, byte[] Bytes)> _undo = new();

    public EntryWriter(ProcessMemory memory)
    {
        _memory = memory;
    }

    /// <summary>The bytes an entry holds when <paramref name="owner"/> redirects it, else the original bytes.</summary>
    public static byte[] ExpectedEntry(AppliedFunction function, AppliedPatch? owner) =>
        JumpOf(owner, function.EntryAddress) ?? function.SavedBytes;

    /// <summary>The jump <paramref name="owner"/> wrote at <paramref name="entry"/>, or null if it does not redirect that entry.</summary>
    public static byte[]? JumpOf(AppliedPatch? owner, ulong entry)
    {
        AppliedFunction? redirected = owner?.Functions.FirstOrDefault(f => f.EntryAddress == entry);
        return redirected is null ? null : Jump.Encode(redirected.EntryAddress, redirected.NewAddress);
    }

    /// <summary>Refuses when an entry does not hold what <paramref name="owner"/> (or the original) should have put there.</summary>
    public void Verify(int pid, AppliedFunction function, AppliedPatch? owner)
    {
        byte[] expected = ExpectedEntry(function, owner);
        byte[] actual = _memory.Read(function.EntryAddress, expected.Length);
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            string who = owner?.Functions.Any(f => f.EntryAddress == function.EntryAddress) == true ? $"a jump to patch {owner.PatchId}" : "the original code";
            throw new SutureException(
                $"{function.Symbol} at 0x{function.EntryAddress:x} in process {pid} holds {Convert.ToHexStringLower(actual)}, not {who} ({Convert.ToHexStringLower(expected)}); something else changed it; refusing",
                ExitCode.TargetMismatch);
        }
    }

    public void Redirect(AppliedFunction function) => Write(function.EntryAddress, Jump.Encode(function.EntryAddress, function.NewAddress));

    public void Restore(AppliedFunction function) => Write(function.EntryAddress, function.SavedBytes);

    /// <summary>Writes <paramref name="bytes"/> at an entry (backing out a half-done switch).</summary>
    public void Put(ulong address, byte[] bytes) => Write(address, bytes);

    public void WriteRecord(AppliedPatch patch) => Write(patch.RecordAddress, AppliedPatchCodec.Encode(patch));

    /// <summary>Puts back everything written so far, newest first; tries every write even when one fails.</summary>
    public void Undo()
    {
        Exception? first = null;
        int failed = 0;
        while (_undo.TryPop(out (ulong Address, byte[] Bytes) item))
        {
            try
            {
                _memory.Write(item.Address, item.Bytes);
            }
#pragma warning disable CA1031 // the others are still put back; reported below
            catch (Exception e)
#pragma warning restore CA1031
            {
                first ??= e;
                failed++;
            }
        }

        if (first is not null)
        {
            throw new SutureException($"{failed} write(s) could not be put back ({first.Message})", ExitCode.Failure, first);
        }
    }

    /// <summary>
    /// Runs <paramref name="writes"/> with a new writer; on any failure (an overflow, a write the
    /// kernel refused) puts back what they wrote (<see cref="UndoAfter"/>), then rethrows the
    /// failure when <paramref name="keep"/> says so, else throws a <see cref="SutureException"/>
    /// whose message <paramref name="failed"/> makes of the failure's.
    /// </summary>
    public static void WriteOrUndo(ProcessMemory memory, string operation, Action<EntryWriter> writes, Func<Exception, bool> keep, Func<string, string> failed)
    {
        var writer = new EntryWriter(memory);
        try
        {
            writes(writer);
        }
        catch (Exception e) // any failure puts back what was written
        {
            writer.UndoAfter(e, operation);
            if (keep(e))
            {
                throw;
            }

            throw new SutureException(failed(e.Message), ExitCode.Failure, e);
        }
    }

    /// <summary>
    /// <see cref="Undo"/> after <paramref name="failure"/>; if putting the bytes back fails too,
    /// says so plainly instead of hiding the first failure.
    /// </summary>
    public void UndoAfter(Exception failure, string operation)
    {
        try
        {
            Undo();
        }
        catch (SutureException e)
        {
            throw new UndoFailedException(
                $"{operation} failed while writing ({failure.Message}), and then {e.Message}: the process may run a mix of old and new code, so the new code stays mapped; check with suture status and restart the process if it misbehaves",
                failure);
        }
    }

    private void Write(ulong address, byte[] bytes)
    {
        _undo.Push((address, _memory.Read(address, bytes.Length)));
        _memory.Write(address, bytes);
    }
}
