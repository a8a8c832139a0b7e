using Suture.TestSupport;

namespace Suture.Elf.Tests;

/// <summary>A C and a C++ source compiled by gcc with the debug information variants the DWARF reader must decode.</summary>
public sealed class DwarfFixture : IDisposable
{
    public const string CSource = """
        #include <stdio.h>
        typedef unsigned long ulong_t;
        struct rec { char name[12]; int len; unsigned flag:3; unsigned mode:5; };
        union either { int i; float f; };
        enum color { RED, GREEN = 5 };
        extern int counter;
        int counter = 1;
        float ratio;
        static struct rec table[2] = { { "a", 1 } };
        const volatile int fixed = 3;
        struct rec *cursor;
        ulong_t total;
        union either choice;
        enum color paint;
        int matrix[3][4];
        int (*handler)(int, char *);
        _Thread_local int per_thread;

        __attribute__((noinline)) int tick(void)
        {
            static int calls;
            calls++;
            per_thread++;
            printf("%d %d %s\n", calls, counter, table[calls & 1].name);
            return calls + table[0].len + (int)total + matrix[1][2] + choice.i + paint + (int)ratio + fixed;
        }

        int main(void) { cursor = &table[1]; return tick() + (handler != 0); }
        """;

    public const string CppSource = """
        struct Base { int x; virtual ~Base() {} };
        struct Derived : Base { static int shared; char tag[3]; long value; };
        int Derived::shared = 4;
        Derived thing;
        namespace space { int pair[2]; }
        int use() { return (int)thing.value + space::pair[1] + Derived::shared; }
        """;

    /// <summary>Variant name and its gcc flags (besides <c>-c -ffunction-sections -fdata-sections</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Variants = new Dictionary<string, string[]>
    {
        ["c-O0"] = ["-g", "-O0"],
        ["c-O2"] = ["-g", "-O2"],
        ["c-g3"] = ["-g3", "-O2"],
        ["c-dwarf4"] = ["-gdwarf-4", "-O2"],
        ["c-dwarf3"] = ["-gdwarf-3", "-O0"],
        ["c-dwarf2"] = ["-gdwarf-2", "-gstrict-dwarf", "-O0"],
        ["c-dwarf64"] = ["-g", "-gdwarf64", "-O2"],
        ["c-split"] = ["-g", "-gsplit-dwarf", "-O2"],
        ["cpp-types"] = ["-x", "c++", "-g", "-O2", "-fdebug-types-section"],
        ["cpp-types4"] = ["-x", "c++", "-gdwarf-4", "-O0", "-fdebug-types-section"],
        ["cpp"] = ["-x", "c++", "-g", "-O2"],
    };

    private readonly TempDirectory _directory = new("suture-dwarf");

    public DwarfFixture()
    {
        foreach ((string name, string[] flags) in Variants)
        {
            string source = name.StartsWith("cpp", StringComparison.Ordinal) ? CppSource : CSource;
            Objects[name] = Gcc.Compile(source, _directory.File(name + ".o"), ["-c", "-ffunction-sections", "-fdata-sections", .. flags]);
        }

        NoDebugPath = Gcc.Compile(CSource, _directory.File("nodebug.o"), "-c", "-O2");
        ExecutablePath = Gcc.Compile(CSource, _directory.File("prog"), "-g", "-O2");
    }

    /// <summary>Object paths by variant name.</summary>
    public Dictionary<string, string> Objects { get; } = [];

    public string NoDebugPath { get; }

    /// <summary>A linked executable with debug information (no relocations to apply).</summary>
    public string ExecutablePath { get; }

    public void Dispose() => _directory.Dispose();
}
