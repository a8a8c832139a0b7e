using System.Buffers.Binary;
using Suture.Format;
using Suture.Format.Writing;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A patch whose unwind table the stack check could not walk is refused before apply changes
/// anything, so that whatever applies can be reverted. The patches are crafted from a real one: the
/// table's bytes are damaged and the file is written again, with a valid checksum.
/// </summary>
public sealed class UnwindTableCheckTests : IClassFixture<ErrorTests.BuiltSeed>
{
    private readonly ErrorTests.BuiltSeed _seed;

    public UnwindTableCheckTests(ErrorTests.BuiltSeed seed)
    {
        _seed = seed;
    }

    public enum Damage
    {
        /// <summary>The first FDE claims 2 GiB of code: it would cover the whole object and every other library.</summary>
        FdeRangeEscapes,

        /// <summary>The first FDE's instructions start with an opcode DWARF does not define.</summary>
        BadInstruction,

        /// <summary>The CIE's version is not one the unwinder reads.</summary>
        BadCieVersion,

        /// <summary>The first FDE starts past the function it describes.</summary>
        FunctionUncovered,
    }

    [Theory]
    [InlineData(Damage.FdeRangeEscapes, "outside the new code")]
    [InlineData(Damage.BadInstruction, "unwind table")]
    [InlineData(Damage.BadCieVersion, "unwind table")]
    [InlineData(Damage.FunctionUncovered, "no FDE covers the whole new code of")]
    public void A_patch_whose_unwind_table_cannot_be_walked_is_refused_and_the_process_is_unchanged(Damage damage, string fragment)
    {
        using var directory = new TempDirectory();
        string path = directory.File("damaged.patch");
        File.WriteAllBytes(path, Craft(PatchDocument.Load(_seed.Project.PatchPath).Patch, damage));
        TestKeys.Sign(path);
        Assert.Equal(0, SutureCli.Run("inspect", path).ExitCode); // the file itself is well formed
        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();

        ToolResult result = SutureCli.Run("apply", "-p", pid, path);

        Assert.True(result.ExitCode == (int)ExitCode.CorruptPatch, result.ToString());
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("unwind table", result.Stderr);
        Assert.Contains(fragment, result.Stderr);
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{program.Pid}/maps"));
        Assert.Contains("no patches", SutureCli.Succeed("status", "-p", pid).Stdout);
        program.WaitForSteady(SeedProject.OldLine, 3, program.LineCount);

        // The intact patch still applies and reverts.
        SutureCli.Succeed("apply", "-p", pid, _seed.Project.PatchPath);
        program.WaitForLine(l => l == SeedProject.NewLine, program.LineCount);
        SutureCli.Succeed("revert", "-p", pid);
    }

    [Fact]
    public void Apply_p_all_and_a_store_refuse_a_patch_whose_unwind_table_cannot_be_walked_once_before_any_process()
    {
        using var directory = new TempDirectory();
        string store = directory.File("store");
        Directory.CreateDirectory(store);
        string path = Path.Combine(store, "damaged.patch");
        File.WriteAllBytes(path, Craft(PatchDocument.Load(_seed.Project.PatchPath).Patch, Damage.BadCieVersion));
        TestKeys.Sign(path);
        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        // The binary, not in process: were the check to pass, suture would trace a child of the test host.
        ToolResult all = SutureCli.Run("apply", "-p", "all", path);
        ToolResult fromStore = SutureCli.Run("apply", "-p", "all", store);

        CliAssert.OneLineError(all, ExitCode.CorruptPatch, "apply -p all refused: the unwind table of patch", quiet: true);
        CliAssert.OneLineError(fromStore, ExitCode.CorruptPatch, $"apply of {path} refused: the unwind table of patch", quiet: true);
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{program.Pid}/maps"));
        Assert.Contains("no patches", SutureCli.Succeed("status", "-p", program.Pid.ToString()).Stdout);
    }

    private static byte[] Craft(PatchFile patch, Damage damage)
    {
        PatchUnwindTable unwind = patch.Unwind ?? throw new InvalidOperationException("the seed patch carries no unwind table");
        byte[] code = (byte[])patch.Image.Code.Clone();
        Span<byte> table = code.AsSpan((int)unwind.EhFrameOffset, (int)unwind.EhFrameSize);
        int cieLength = BinaryPrimitives.ReadInt32LittleEndian(table);
        Span<byte> fde = table[(4 + cieLength)..];
        Assert.NotEqual(0, BinaryPrimitives.ReadInt32LittleEndian(fde[4..])); // a CIE pointer: this is an FDE

        // FDE: length, CIE pointer, pc_begin (pcrel sdata4), pc_range (udata4), augmentation length, instructions.
        switch (damage)
        {
            case Damage.FdeRangeEscapes:
                BinaryPrimitives.WriteUInt32LittleEndian(fde[12..], 0x7fff_0000);
                break;
            case Damage.BadInstruction:
                Assert.Equal(0, fde[16]); // no augmentation data ("zR"): the instructions follow
                fde[17] = 0x17; // between DW_CFA_val_expression (0x16) and DW_CFA_lo_user (0x1c): undefined
                break;
            case Damage.BadCieVersion:
                table[8] = 9;
                break;
            case Damage.FunctionUncovered:
                PatchFunction first = patch.Functions[0];
                ulong range = BinaryPrimitives.ReadUInt32LittleEndian(fde[12..]);
                Assert.True(range > 8 && first.NewSize > 8, "the first FDE is too short to shorten");
                BinaryPrimitives.WriteUInt32LittleEndian(fde[12..], (uint)(range - 4));
                break;
        }

        return PatchWriter.Write(patch with { Image = patch.Image with { Code = code } });
    }
}
