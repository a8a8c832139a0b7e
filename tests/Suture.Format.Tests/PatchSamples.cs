using Suture.Format;

namespace Suture.Format.Tests;

/// <summary>Patches the format tests write, read and corrupt.</summary>
internal static class PatchSamples
{
    /// <summary>
    /// Small and fixed, so tests can corrupt fields at known places. With the layout in
    /// docs/patch-format.md the functions payload holds: count @0, symbol "f" @4, old address @9,
    /// old size @17, entry offset @25, expected length @29, expected bytes @30, new offset @35,
    /// new size @43; the relocations payload: count @0, then relocation 1: offset @4, kind @12,
    /// symbol kind @13, flags @14, value @16, addend @24, symbol @32.
    /// </summary>
    public static PatchFile Small() => new()
    {
        Target = new PatchTarget([.. Enumerable.Range(1, 20).Select(i => (byte)i)], "foo"),
        Metadata = new PatchMetadata
        {
            Id = "t",
            Description = "d",
            Cves = ["CVE-2026-0001"],
            CreatedUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Compiler = "gcc",
            BuildCommand = "cc",
        },
        Functions = [new PatchFunction("f", 0x1000, 32, 0, [0x55, 0x48, 0x89, 0xe5, 0x53], 0, 16)],
        Image = new PatchImage(new byte[32], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 16),
        Relocations =
        [
            new PatchRelocation(8, PatchRelocationKind.Pc32, PatchSymbolKind.Object, "g", 0x4000, -4),
            new PatchRelocation(4096, PatchRelocationKind.Abs64, PatchSymbolKind.Image, "", 0, 0),
        ],
    };

    /// <summary>Two functions, code, data, bss, every relocation kind, every symbol kind, an unwind table, unicode text.</summary>
    public static PatchFile Realistic() => new()
    {
        Target = new PatchTarget(Convert.FromHexString("9e89c1d2a3f4b5c6d7e8f90a1b2c3d4e5f607182"), "/usr/lib/libseed.so.1"),
        Metadata = new PatchMetadata
        {
            Id = "seed-fix-1",
            Description = "Fix heap overflow in parse_header() — ünïcödé ✓ 修复 🩹\nSecond line.",
            Cves = ["CVE-2026-1234", "CVE-2026-1235", "CVE-2025-99999"],
            Level = 2,
            CreatedUtc = new DateTimeOffset(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero),
            Compiler = "gcc (GCC) 14.2.1 20250207",
            BuildCommand = "gcc -O2 -g -ffunction-sections -fdata-sections -c seed.c",
            Overrides = ["allow-data-change:counter", "allow-signature-change:parse_header"],
        },
        Functions =
        [
            new PatchFunction("parse_header", 0x401136, 0x80, 4, [0xe9, 0x10, 0x20, 0x30, 0x40], 0, 0x40),
            new PatchFunction("_ZN4seed5Table6insertEPKcm", 0x4011c0, 0x30, 0, [0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56], 0x40, 0x20),
        ],
        Image = new PatchImage(
            [.. Enumerable.Range(0, 0x60).Select(i => (byte)(i * 7 + 3))],
            [.. Enumerable.Range(0, 48).Select(i => (byte)(0xA0 + i)), 0x04, 0, 0, 0, 0, 0, 0, 0],
            192),
        Relocations =
        [
            new PatchRelocation(0x10, PatchRelocationKind.Pc32, PatchSymbolKind.External, "memcpy", 0, -4, "GLIBC_2.14"),
            new PatchRelocation(0x20, PatchRelocationKind.Pc32, PatchSymbolKind.Object, "global_table", 0x404040, -4),
            new PatchRelocation(0x30, PatchRelocationKind.Pc32, PatchSymbolKind.Image, "", 0x1000, -4),
            new PatchRelocation(0x44, PatchRelocationKind.Abs32, PatchSymbolKind.Object, "small_table", 0x404100, 8),
            new PatchRelocation(0x48, PatchRelocationKind.Abs32S, PatchSymbolKind.Image, ".rodata", 0x50, 0),
            new PatchRelocation(0x50, PatchRelocationKind.Pc64, PatchSymbolKind.External, "pthread_mutex_lock", 0, 0),
            new PatchRelocation(0x1000, PatchRelocationKind.Abs64, PatchSymbolKind.Image, "counter", 0x1018, 0),
            new PatchRelocation(0x1008, PatchRelocationKind.Abs64, PatchSymbolKind.External, "stderr", 0, 0, "GLIBC_2.2.5"),
            new PatchRelocation(0x1010, PatchRelocationKind.Pc64, PatchSymbolKind.Object, "callback", 0x401500, 0),
            new PatchRelocation(0x54, PatchRelocationKind.TpOff32, PatchSymbolKind.Object, "exe_tls", 0x8, 0),
            new PatchRelocation(0x58, PatchRelocationKind.DtpOff32, PatchSymbolKind.Object, "hidden_tls", 0x4, 0),
            new PatchRelocation(0x1018, PatchRelocationKind.TpOff64, PatchSymbolKind.External, "lib_tls", 0, 0, "LIB_1"),
            new PatchRelocation(0x1020, PatchRelocationKind.DtpMod64, PatchSymbolKind.Object, "(module)", 0, 0),
            new PatchRelocation(0x1028, PatchRelocationKind.DtpOff64, PatchSymbolKind.Object, "counter_tls", 0x10, 0),
        ],
        Unwind = new PatchUnwindTable(0x1030, 8),
    };
}
