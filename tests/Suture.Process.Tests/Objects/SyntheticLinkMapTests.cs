using System.Runtime.InteropServices;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Process.Tests.Objects;

/// <summary>
/// Broken chains built in the test host's own memory (read back through /proc/self/mem): the
/// reader stops with a problem, keeps what it read, and never throws.
/// </summary>
public sealed unsafe class SyntheticLinkMapTests : IDisposable
{
    private const int NodeLength = 40;

    private readonly ProcessMemory _memory = ProcessMemory.Open(Environment.ProcessId, writable: false);
    private readonly List<nint> _blocks = [];

    [Fact]
    public void A_chain_that_loops_stops_at_the_repeated_entry()
    {
        ulong[] nodes = Nodes(3);
        Link(nodes[0], nodes[1]);
        Link(nodes[1], nodes[2]);
        Link(nodes[2], nodes[1]);

        LinkMap map = LinkMapReader.ReadAt(Rendezvous(1, nodes[0]), _memory, []);

        Assert.Equal(3, map.Entries.Count);
        Assert.Contains($"points back to the entry at 0x{nodes[1]:x}", map.Problem);
    }

    [Fact]
    public void A_chain_longer_than_the_limit_is_cut_at_the_limit()
    {
        ulong[] nodes = Nodes(LinkMapReader.MaxEntries + 5);
        for (int i = 0; i + 1 < nodes.Length; i++)
        {
            Link(nodes[i], nodes[i + 1]);
        }

        LinkMap map = LinkMapReader.ReadAt(Rendezvous(1, nodes[0]), _memory, []);

        Assert.Equal(LinkMapReader.MaxEntries, map.Entries.Count);
        Assert.Contains($"more than {LinkMapReader.MaxEntries} entries", map.Problem);
    }

    [Theory]
    [InlineData(0x10UL)]
    [InlineData(0xffff_ffff_ffff_fff0UL)]
    public void An_unreadable_entry_ends_the_chain_with_a_problem(ulong next)
    {
        ulong[] nodes = Nodes(1);
        Link(nodes[0], next);
        ((ulong*)nodes[0])[1] = ulong.MaxValue - 3; // l_name

        LinkMap map = LinkMapReader.ReadAt(Rendezvous(1, nodes[0]), _memory, []);

        Assert.Single(map.Entries);
        Assert.Equal("", map.Entries[0].Name);
        Assert.Null(map.Entries[0].Loaded);
        Assert.Equal($"cannot read entry 1 of the chain at 0x{next:x}", map.Problem);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void An_unset_or_unreadable_rendezvous_gives_no_chain(int version, bool readable)
    {
        ulong address = readable ? Rendezvous(version, Nodes(1)[0]) : 0x10;

        LinkMap map = LinkMapReader.ReadAt(address, _memory, []);

        Assert.Empty(map.Entries);
        Assert.False(map.IsComplete);
        Assert.Contains("r_debug at 0x", map.Problem);
    }

    [Fact]
    public void Names_are_read_across_pages_and_up_to_their_end()
    {
        string name = "/lib/" + new string('x', 5000) + ".so";
        byte* block = (byte*)Allocate(8192 + 6000);
        byte* start = block + 4096 - 3; // crosses two page boundaries
        for (int i = 0; i < name.Length; i++)
        {
            start[i] = (byte)name[i];
        }

        start[name.Length] = 0;
        ulong[] nodes = Nodes(1);
        ((ulong*)nodes[0])[1] = (ulong)start;

        LinkMap map = LinkMapReader.ReadAt(Rendezvous(1, nodes[0]), _memory, []);

        Assert.True(map.IsComplete, map.Problem);
        Assert.Equal(name[..4096], map.Entries[0].Name);
    }

    public void Dispose()
    {
        _blocks.ForEach(b => NativeMemory.Free((void*)b));
        _memory.Dispose();
    }

    private ulong[] Nodes(int count)
    {
        nint block = Allocate(count * NodeLength);
        return Enumerable.Range(0, count).Select(i => (ulong)block + (ulong)(i * NodeLength)).ToArray();
    }

    private static void Link(ulong from, ulong to) => ((ulong*)from)[3] = to;

    private ulong Rendezvous(int version, ulong first)
    {
        nint block = Allocate(40);
        *(int*)block = version;
        ((ulong*)block)[1] = first;
        return (ulong)block;
    }

    private nint Allocate(int length)
    {
        nint block = (nint)NativeMemory.AllocZeroed((nuint)length);
        _blocks.Add(block);
        return block;
    }
}
