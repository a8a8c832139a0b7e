namespace Suture.Format.Reading;

/// <summary>Decodes the payload of each known section. Structure only; meaning is checked by <see cref="Validation.PatchValidator"/>.</summary>
internal static partial class PatchReader
{
    private const long MinUnixMilliseconds = -62_135_596_800_000;
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    private static PatchUnwindTable ReadUnwind(ReadOnlySpan<byte> payload, string file)
    {
        var d = new FieldReader(payload, file, "unwind");
        ulong offset = d.ReadU64("eh_frame offset");
        ulong size = d.ReadU64("eh_frame size");
        d.ExpectEnd();
        return new PatchUnwindTable(offset, size);
    }

    private static PatchTarget ReadTarget(ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
    {
        var d = new FieldReader(payload, file, "target");
        byte[] buildId = d.ReadBlob("build ID", limits.MaxBuildIdLength);
        string objectName = d.ReadString("object name", limits.MaxStringLength);
        d.ExpectEnd();
        return new PatchTarget(buildId, objectName);
    }

    private static PatchMetadata ReadMetadata(ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
    {
        var d = new FieldReader(payload, file, "metadata");
        int max = limits.MaxStringLength;
        string id = d.ReadString("id", max);
        string description = d.ReadString("description", max);
        string[] cves = ReadStrings(ref d, "CVEs", limits.MaxCves, max);
        int level = d.ReadI32("level");
        long created = d.ReadI64("creation time");
        if (created is < MinUnixMilliseconds or > MaxUnixMilliseconds)
        {
            throw d.Error($"creation time {created} ms since 1970 is outside years 1 to 9999");
        }

        string compiler = d.ReadString("compiler", max);
        string buildCommand = d.ReadString("build command", max);
        string[] overrides = ReadStrings(ref d, "overrides", limits.MaxOverrides, max);
        d.ExpectEnd();
        return new PatchMetadata
        {
            Id = id,
            Description = description,
            Cves = cves,
            Level = level,
            CreatedUtc = DateTimeOffset.FromUnixTimeMilliseconds(created),
            Compiler = compiler,
            BuildCommand = buildCommand,
            Overrides = overrides,
        };
    }

    private static PatchFunction[] ReadFunctions(ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
    {
        var d = new FieldReader(payload, file, "functions");
        int count = d.ReadCount("entries", limits.MaxFunctions);
        var functions = new PatchFunction[Math.Min(count, d.Remaining / PatchFormat.MinFunctionEntrySize)];
        for (int i = 0; i < count; i++)
        {
            d.ExpectEntry(i, count, PatchFormat.MinFunctionEntrySize, "entries");
            d.Context = $"function {i + 1}: ";
            string symbol = d.ReadString("symbol", limits.MaxStringLength);
            ulong oldAddress = d.ReadU64("old address");
            ulong oldSize = d.ReadU64("old size");
            uint entryOffset = d.ReadU32("entry offset");
            byte expectedLength = d.ReadU8("expected bytes length");
            if (expectedLength is < PatchFormat.MinExpectedBytes or > PatchFormat.MaxExpectedBytes)
            {
                throw d.Error($"'{symbol}' has {expectedLength} expected bytes; " +
                    $"expected {PatchFormat.MinExpectedBytes} to {PatchFormat.MaxExpectedBytes}");
            }

            byte[] expected = d.ReadBytes(expectedLength, "expected bytes");
            ulong newOffset = d.ReadU64("new offset");
            ulong newSize = d.ReadU64("new size");
            functions[i] = new PatchFunction(symbol, oldAddress, oldSize, entryOffset, expected, newOffset, newSize);
        }

        d.ExpectEnd();
        return functions;
    }

    private static byte[] ReadCode(ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
    {
        var d = new FieldReader(payload, file, "code");
        if (payload.Length > limits.MaxCodeSize)
        {
            throw d.Error($"{payload.Length} bytes of code exceed the limit of {limits.MaxCodeSize}");
        }

        return d.ReadRest();
    }

    private static (byte[] Data, ulong BssSize) ReadData(ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
    {
        var d = new FieldReader(payload, file, "data");
        ulong bss = d.ReadU64("bss size");
        if (bss > (ulong)limits.MaxBssSize)
        {
            throw d.Error($"bss size {bss} exceeds the limit of {limits.MaxBssSize}");
        }

        if (d.Remaining > limits.MaxDataSize)
        {
            throw d.Error($"{d.Remaining} bytes of data exceed the limit of {limits.MaxDataSize}");
        }

        return (d.ReadRest(), bss);
    }

    private static PatchRelocation[] ReadRelocations(ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
    {
        var d = new FieldReader(payload, file, "relocations");
        int count = d.ReadCount("entries", limits.MaxRelocations);
        var relocations = new PatchRelocation[Math.Min(count, d.Remaining / PatchFormat.MinRelocationEntrySize)];
        for (int i = 0; i < count; i++)
        {
            d.ExpectEntry(i, count, PatchFormat.MinRelocationEntrySize, "entries");
            d.Context = $"relocation {i + 1}: ";
            ulong offset = d.ReadU64("offset");
            var kind = (PatchRelocationKind)d.ReadU8("kind");
            if (PatchFormat.Width(kind) == 0)
            {
                throw d.Error($"relocation kind {(byte)kind} is unknown (expected 1 to 10; a newer suture may know it)");
            }

            var target = (PatchSymbolKind)d.ReadU8("symbol kind");
            if (!PatchFormat.IsDefined(target))
            {
                throw d.Error($"symbol kind {(byte)target} is unknown (expected 1 to 3)");
            }

            ushort flags = d.ReadU16("flags");
            if ((flags & ~PatchFormat.RelocationHasVersion) != 0)
            {
                throw d.Error($"flags 0x{flags:x4} have unknown bits set (only 0x0001 is defined)");
            }

            ulong value = d.ReadU64("value");
            long addend = d.ReadI64("addend");
            string symbol = d.ReadString("symbol", limits.MaxStringLength);
            string? version = (flags & PatchFormat.RelocationHasVersion) != 0
                ? d.ReadString("version", limits.MaxStringLength)
                : null;
            relocations[i] = new PatchRelocation(offset, kind, target, symbol, value, addend, version);
        }

        d.ExpectEnd();
        return relocations;
    }

    private static string[] ReadStrings(ref FieldReader d, string what, int maxCount, int maxBytes)
    {
        int count = d.ReadCount(what, maxCount);
        var strings = new string[Math.Min(count, d.Remaining / 4)];
        for (int i = 0; i < count; i++)
        {
            d.ExpectEntry(i, count, 4, what);
            strings[i] = d.ReadString($"{what} entry {i + 1}", maxBytes);
        }

        return strings;
    }

    /// <summary>The sections decoded so far; becomes a <see cref="PatchFile"/> once all are present.</summary>
    private sealed class Sections
    {
        private PatchTarget? target;
        private PatchMetadata? metadata;
        private PatchFunction[]? functions;
        private byte[]? code;
        private byte[]? data;
        private ulong bssSize;
        private PatchRelocation[]? relocations;
        private PatchUnwindTable? unwind;

        public bool HasUnwind => unwind is not null;

        public void Read(uint tag, ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
        {
            switch (tag)
            {
                case PatchSection.Target:
                    target = ReadTarget(payload, file, limits);
                    break;
                case PatchSection.Metadata:
                    metadata = ReadMetadata(payload, file, limits);
                    break;
                case PatchSection.Functions:
                    functions = ReadFunctions(payload, file, limits);
                    break;
                case PatchSection.Code:
                    code = ReadCode(payload, file, limits);
                    break;
                case PatchSection.Data:
                    (data, bssSize) = ReadData(payload, file, limits);
                    break;
                case PatchSection.Relocations:
                    relocations = ReadRelocations(payload, file, limits);
                    break;
                case PatchSection.Unwind:
                    unwind = ReadUnwind(payload, file);
                    break;
                default:
                    throw new InvalidOperationException($"section {PatchSection.Describe(tag)} has no reader");
            }
        }

        /// <summary>Only called after the parser has seen every required section.</summary>
        public PatchFile ToPatchFile() => new()
        {
            Target = target ?? throw Missing(),
            Metadata = metadata ?? throw Missing(),
            Functions = functions ?? throw Missing(),
            Image = new PatchImage(code ?? throw Missing(), data ?? throw Missing(), bssSize),
            Relocations = relocations ?? throw Missing(),
            Unwind = unwind,
        };

        private static InvalidOperationException Missing() => new("a required section was not read");
    }
}
