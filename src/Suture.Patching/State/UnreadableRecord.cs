using Suture.Process.Memory;

namespace Suture.Patching.State;

/// <summary>
/// A suture memfd mapped in a process whose record cannot be decoded (empty, corrupt, or written
/// by a newer suture). Its code may run, so it is reported, and not unmapped: without the record
/// nothing tells whether its unwind table is registered. The one exception is
/// <see cref="IsPristine"/>: suture maps the record part first and writes the record next, so
/// a record part alone with an empty record is a run killed between those two steps.
/// </summary>
/// <param name="Name">The memfd name after <c>suture:</c> (the patch id it was created for).</param>
/// <param name="Start">Lowest address of the memfd's mappings.</param>
/// <param name="End">End of its highest mapping.</param>
/// <param name="Reason">Why the record does not decode.</param>
/// <param name="Mappings">The memfd's mappings.</param>
/// <param name="IsEmpty">Whether the record area holds only zero bytes.</param>
public sealed record UnreadableRecord(string Name, ulong Start, ulong End, string Reason, IReadOnlyList<MemoryMapping> Mappings, bool IsEmpty)
{
    /// <summary>Nothing but the record part is mapped and the record is empty: no code was ever written, nothing registered.</summary>
    public bool IsPristine => IsEmpty && Mappings.All(m => m.Permissions == "r--p");
}
