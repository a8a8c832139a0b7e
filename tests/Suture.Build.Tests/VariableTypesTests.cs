using Suture.Build.Diff;
using Suture.Elf;
using Suture.Elf.Dwarf;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>The type signatures the diff compares, read from objects gcc compiles with <c>-g</c>.</summary>
public sealed class VariableTypesTests : IDisposable
{
    private const string Source = """
        typedef unsigned long ulong_t;
        struct rec { char name[12]; int len; unsigned flag:3; unsigned mode:5; };
        union either { int i; float f; };
        enum color { RED, GREEN = 5 };
        typedef struct { short a, b; } pair_t;
        int counter = 1;
        struct rec table[2];
        struct rec current;
        struct rec *cursor;
        ulong_t total;
        union either choice;
        enum color paint;
        int matrix[3][4];
        int (*handler)(int, char *, ...);
        const volatile int fixed = 3;
        pair_t pair;
        int tick(void) { static int calls; return ++calls + counter + fixed; }
        """;

    private readonly TempDirectory _directory = new("suture-types");

    [Theory]
    [InlineData("counter", "int", "int<4 signed>")]
    [InlineData("table", "struct rec[2]", "struct rec<20> {char<1 signed char>[12] name @0; int<4 signed> len @12; unsigned int<4 unsigned> flag:3 @bit 128; unsigned int<4 unsigned> mode:5 @bit 131}[2]")]
    [InlineData("current", "struct rec {char name[12] @0; int len @12; unsigned int flag:3 @bit 128; unsigned int mode:5 @bit 131}", null)]
    [InlineData("cursor", "struct rec*", "struct rec*")]
    [InlineData("total", "ulong_t", "long unsigned int<8 unsigned>")]
    [InlineData("choice", "union either {int i @0; float f @0}", "union either<4> {int<4 signed> i @0; float<4 float> f @0}")]
    [InlineData("paint", "enum color", "enum color<4>:unsigned int<4 unsigned>")]
    [InlineData("matrix", "int[3][4]", "int<4 signed>[3][4]")]
    [InlineData("handler", "int (int, char*, ...)*", "int (int, char*, ...)*")]
    [InlineData("fixed", "volatile const int", "const volatile int<4 signed>")]
    [InlineData("pair", "pair_t = struct <anonymous> {short int a @0; short int b @2}", null)]
    [InlineData("calls@tick", "int", "int<4 signed>")] // a function-local static is keyed by its owner
    public void A_variable_type_is_described_for_messages_and_for_its_layout(string key, string display, string? layout)
    {
        ObjectIndex index = ObjectIndex.Load(Gcc.Compile(Source, _directory.File("types.o"), "-c", "-g", "-O2", "-ffunction-sections", "-fdata-sections"));

        TypeSignature? signature = index.Types.Of(index.Variables[key]);

        Assert.NotNull(signature);
        Assert.Equal(display, signature.Display);
        if (layout is not null)
        {
            Assert.Equal(layout, signature.Layout);
        }
    }

    [Fact]
    public void Without_debug_information_no_type_is_known()
    {
        ObjectIndex index = ObjectIndex.Load(Gcc.Compile(Source, _directory.File("plain.o"), "-c", "-O2", "-ffunction-sections", "-fdata-sections"));

        Assert.Equal("it has no debug information", index.Types.Unavailable);
        Assert.Null(index.Types.Of(index.Variables["counter"]));
    }

    [Fact]
    public void A_type_that_refers_to_itself_is_cut_instead_of_looping()
    {
        string path = Gcc.Compile(Source, _directory.File("cycle.o"), "-c", "-g", "-O0", "-ffunction-sections", "-fdata-sections");
        ElfFile file = ElfFile.Load(path);
        DwarfInfo info = DwarfInfo.Read(file);
        DwarfDie typedef = info.Entries().First(e => e.Tag == DwarfTag.Typedef && e.Name == "ulong_t");
        DwarfAttributeValue type = typedef.Find(DwarfAttributeName.Type)!;
        Assert.Equal(DwarfForm.Ref4, type.Form);
        byte[] data = File.ReadAllBytes(path);
        BitConverter.TryWriteBytes(data.AsSpan((int)file.FindSection(".debug_info")!.Offset + (int)type.ValueOffset), (uint)(typedef.Id.Offset - typedef.Unit.Offset));
        File.WriteAllBytes(path, data);

        ObjectIndex index = ObjectIndex.Load(path);
        TypeSignature? signature = index.Types.Of(index.Variables["total"]);

        Assert.Equal("...", signature?.Layout);
    }

    [Fact]
    public void A_long_change_is_shown_around_its_first_difference()
    {
        string members = string.Join("; ", Enumerable.Range(0, 30).Select(i => $"int m{i} @{i * 4}"));
        var before = new TypeSignature("", $"struct big {{{members}; char tail @120}}");
        var after = new TypeSignature("", $"struct big {{{members}; short tail @120}}");

        string text = TypeChangeText.Format(before, after);

        Assert.Equal("...int m28 @112; int m29 @116; char tail @120} -> ...int m28 @112; int m29 @116; short tail @120}", text);
    }

    public void Dispose() => _directory.Dispose();
}
