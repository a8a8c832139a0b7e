namespace Suture.Patching.Engine.Safety;

/// <summary>A range of run-time code addresses that no thread may execute while it changes.</summary>
internal sealed record CodeRange(string Name, ulong Start, ulong End)
{
    public bool Contains(ulong address) => address >= Start && address < End;
}
