using Suture.Elf;
using Suture.Process.Unwinding;

namespace Suture.Process.Tests.Unwinding;

public sealed class EhFrameTableTests
{
    private const string LibcPath = "/lib/x86_64-linux-gnu/libc.so.6";

    [Fact]
    public void Libc_parses_without_errors_through_its_search_table()
    {
        EhFrameTable table = EhFrameTable.Load(ElfFile.Load(LibcPath))!;

        Assert.True(table.UsesHeaderIndex, table.HeaderProblem);
        Assert.Null(table.ParseError);
        Assert.True(table.FdeCount > 1000, $"{table.FdeCount} FDEs");
        Assert.Empty(table.Validate());
    }

    [Fact]
    public void Scanning_libc_finds_the_same_fdes_as_its_search_table()
    {
        ElfFile libc = ElfFile.Load(LibcPath);
        EhFrameTable indexed = EhFrameTable.Load(libc)!;
        ElfSection frame = libc.FindSection(".eh_frame")!;
        var scanned = new EhFrameTable(frame.Data, frame.Address);

        Assert.False(scanned.UsesHeaderIndex);
        Assert.Null(scanned.ParseError);
        Assert.Equal(indexed.FdeCount, scanned.FdeCount);
        Assert.Equal(indexed.LowPc, scanned.LowPc);
        Assert.Equal(indexed.HighPc(), scanned.HighPc());
    }

    [Theory]
    [InlineData("read")]
    [InlineData("pause")]
    [InlineData("malloc")]
    [InlineData("pthread_create")]
    public void Lookup_of_a_libc_function_returns_the_fde_covering_it(string name)
    {
        ElfFile libc = ElfFile.Load(LibcPath);
        EhFrameTable table = EhFrameTable.Load(libc)!;
        ElfSymbol symbol = libc.DynamicSymbols.First(s => s.Name == name && s.IsDefined && s.Type == ElfSymbolType.Func);

        foreach (ulong pc in new[] { symbol.Value, symbol.Value + symbol.Size - 1 })
        {
            Assert.True(table.TryFind(pc, out FrameDescriptionEntry? fde, out string? error), error ?? $"no FDE for {name} at 0x{pc:x}");
            Assert.True(fde.PcBegin <= symbol.Value && symbol.Value + symbol.Size <= fde.PcEnd, $"{fde} does not cover {name}");
            Assert.False(fde.IsSignalFrame);
        }
    }

    [Fact]
    public void Libc_signal_trampoline_is_marked_as_a_signal_frame()
    {
        EhFrameTable table = EhFrameTable.Load(ElfFile.Load(LibcPath))!;
        ElfSymbol sigaction = ElfFile.Load(LibcPath).DynamicSymbols.First(s => s.Name == "sigaction" && s.IsDefined);

        // __restore_rt is local; find the 'S' FDE by scanning the index around sigaction's code.
        ulong start = sigaction.Value > 0x10000 ? sigaction.Value - 0x10000 : 0;
        bool found = false;
        for (ulong pc = start; pc < sigaction.Value + 0x10000 && !found; pc += 1)
        {
            found = table.TryFind(pc, out FrameDescriptionEntry? fde, out _) && fde.IsSignalFrame && fde.Augmentation == "zRS";
        }

        Assert.True(found, "no FDE with augmentation \"zRS\" near sigaction");
    }

    [Fact]
    public void One_table_answers_several_threads_at_once()
    {
        // -p all walks the stacks of several processes at once, on several tracer threads, and
        // the processes of one object share its table (cached by Build ID): its lazily filled
        // FDE and rules caches must take concurrent fills (a Dictionary threw "concurrent update").
        ElfFile libc = ElfFile.Load(LibcPath);
        var pcs = libc.DynamicSymbols.Where(s => s.IsDefined && s.Type == ElfSymbolType.Func && s.Size > 0)
            .SelectMany(s => new[] { s.Value, s.Value + (s.Size / 2), s.Value + s.Size - 1 }).Distinct().ToArray();
        EhFrameTable shared = EhFrameTable.Load(libc)!;
        string[] expected = Rules(EhFrameTable.Load(libc)!, pcs, 0);

        var results = new string[4][];
        using var start = new Barrier(results.Length);
        Thread[] threads = Enumerable.Range(0, results.Length).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            results[i] = Rules(shared, pcs, i);
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    /// <summary>The rules at every pc, each thread starting at another place so that the fills overlap.</summary>
    private static string[] Rules(EhFrameTable table, ulong[] pcs, int rotation)
    {
        var rules = new string[pcs.Length];
        for (int n = 0; n < pcs.Length; n++)
        {
            int k = (n + (rotation * pcs.Length / 4)) % pcs.Length;
            rules[k] = table.TryFind(pcs[k], out FrameDescriptionEntry? fde, out string? error)
                ? Text(table.GetRules(fde, pcs[k]))
                : error ?? "none";
        }

        return rules;
    }

    private static string Text(FrameRules rules) =>
        $"{rules.Cfa} " + string.Join(",", Enumerable.Range(0, DwarfRegisters.Count).Select(r => rules[r].ToString()));

    [Fact]
    public void Missing_pc_returns_false_without_error()
    {
        EhFrameTable table = EhFrameTable.Load(ElfFile.Load(LibcPath))!;

        Assert.False(table.TryFind(1, out _, out string? error));
        Assert.Null(error);
        Assert.False(table.TryFind(ulong.MaxValue - 1, out _, out error));
        Assert.Null(error);
    }
}
