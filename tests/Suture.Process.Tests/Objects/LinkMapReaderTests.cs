using Suture.Elf;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.TestSupport;

namespace Suture.Process.Tests.Objects;

/// <summary>The dynamic linker's chain read from a real running program (no ptrace needed: reads go through /proc/PID/mem).</summary>
public sealed class LinkMapReaderTests
{
    // Uses libm so that the chain has two DT_NEEDED libraries in a known order (libm, then libc).
    private const string Source = """
        #include <math.h>
        #include <stdio.h>
        #include <unistd.h>
        int main(void)
        {
            volatile double x = 0.5;
            setvbuf(stdout, NULL, _IOLBF, 0);
            printf("ready %.3f\n", cos(x));
            for (;;)
                pause();
        }
        """;

    private const string StaticSource = """
        #include <stdio.h>
        #include <unistd.h>
        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            printf("ready\n");
            for (;;)
                pause();
        }
        """;

    [Theory]
    [InlineData("-pie")]
    [InlineData("-no-pie")]
    public void The_chain_starts_with_the_main_program_and_lists_its_libraries_in_link_order(string pie)
    {
        using var directory = new TempDirectory("suture-linkmap");
        string path = Gcc.Compile(Source, directory.File("linked"), pie, "-Wl,--no-as-needed", "-lm");
        using RunningProgram program = RunningProgram.Start(path);
        program.WaitForLine(l => l.StartsWith("ready", StringComparison.Ordinal));

        LinkMap map = Read(program.Pid, out IReadOnlyList<LoadedObject> objects);

        Assert.True(map.IsComplete, map.Problem);
        LinkMapEntry main = map.Entries[0];
        Assert.Equal("", main.Name);
        Assert.Equal(path, main.Loaded?.Path);
        Assert.Equal(main.Loaded!.Bias, main.LoadBias);
        Assert.Contains(map.Entries, e => e.Name == "linux-vdso.so.1" && e.Loaded is null);
        foreach (LinkMapEntry entry in map.Entries.Skip(1).Where(e => e.Name != "linux-vdso.so.1"))
        {
            Assert.True(entry.Loaded is not null, $"no loaded object matches link map entry {entry.Name} (l_addr 0x{entry.LoadBias:x}, l_ld 0x{entry.Dynamic:x})");
            Assert.Equal(Path.GetFileName(entry.Name), entry.Loaded.FileName);
            Assert.Equal(entry.Loaded.Bias, entry.LoadBias);
        }

        List<string> names = map.Objects.Select(o => o.FileName).ToList();
        Assert.True(names.IndexOf("libm.so.6") is > 0 and int m && m < names.IndexOf("libc.so.6"), string.Join(", ", names));
        Assert.StartsWith("ld-linux", names[^1], StringComparison.Ordinal);
        Assert.Equal(objects.Count, names.Count);
    }

    [Fact]
    public void A_program_started_by_running_the_dynamic_linker_is_found_through_its_r_debug()
    {
        using var directory = new TempDirectory("suture-linkmap");
        string path = Gcc.Compile(Source, directory.File("linked"), "-Wl,--no-as-needed", "-lm");
        using RunningProgram program = RunningProgram.Start("/lib64/ld-linux-x86-64.so.2", path);
        program.WaitForLine(l => l.StartsWith("ready", StringComparison.Ordinal));

        // The kernel ran ld.so, so AT_PHDR describes ld.so, which has no DT_DEBUG; its exported
        // _r_debug heads the same chain.
        LinkMap viaAuxv = Read(program.Pid, out IReadOnlyList<LoadedObject> objects);
        LoadedObject linker = Assert.Single(objects, o => o.FileName.StartsWith("ld-linux", StringComparison.Ordinal));
        ElfSymbol rDebug = ElfFile.Load(linker.OpenPath(program.Pid)).DynamicSymbols.First(s => s.Name == "_r_debug" && s.IsDefined);
        using ProcessMemory memory = ProcessMemory.Open(program.Pid, writable: false);
        LinkMap map = LinkMapReader.ReadAt(linker.Bias + rDebug.Value, memory, objects);

        Assert.Empty(viaAuxv.Entries);
        Assert.Contains("no DT_DEBUG", viaAuxv.Problem);
        Assert.True(map.IsComplete, map.Problem);
        Assert.Equal(path, map.Entries[0].Loaded?.Path);
        Assert.Equal(["linked", "libm.so.6", "libc.so.6", linker.FileName], map.Objects.Select(o => o.FileName));
    }

    [Fact]
    public void A_static_program_has_no_chain_and_says_why()
    {
        using var directory = new TempDirectory("suture-linkmap");
        string path = Gcc.Compile(StaticSource, directory.File("static"), "-static");
        using RunningProgram program = RunningProgram.Start(path);
        program.WaitForLine(l => l.StartsWith("ready", StringComparison.Ordinal));

        LinkMap map = Read(program.Pid, out _);

        Assert.Empty(map.Entries);
        Assert.Equal("the main program has no dynamic section (it is statically linked)", map.Problem);
    }

    private static LinkMap Read(int pid, out IReadOnlyList<LoadedObject> objects)
    {
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
        objects = LoadedObjects.Read(pid, mappings, memory);
        return LinkMapReader.Read(pid, memory, objects);
    }
}
