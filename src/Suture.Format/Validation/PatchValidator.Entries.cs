namespace Suture.Format.Validation;

/// <summary>Rules for function and relocation entries: everything they point at lies inside the image.</summary>
internal static partial class PatchValidator
{
    private static string? CheckFunctions(IReadOnlyList<PatchFunction> functions, PatchImage image, PatchReadLimits limits)
    {
        if (functions.Count > limits.MaxFunctions)
        {
            return $"functions section: {functions.Count} entries exceed the limit of {limits.MaxFunctions}";
        }

        var seen = new Dictionary<ulong, int>(functions.Count);
        for (int i = 0; i < functions.Count; i++)
        {
            string? problem = CheckFunction(functions[i], i, image, limits, seen);
            if (problem is not null)
            {
                return $"functions section: function {i + 1}{problem}";
            }
        }

        return null;
    }

    private static string? CheckFunction(PatchFunction? f, int index, PatchImage image, PatchReadLimits limits, Dictionary<ulong, int> seen)
    {
        if (f is null)
        {
            return ": is null";
        }

        if (CheckString(f.Symbol, "symbol", limits, required: true) is { } symbolProblem)
        {
            return ": " + symbolProblem;
        }

        string name = $" ('{f.Symbol}')";
        int expected = f.ExpectedBytes?.Length ?? 0;
        if (expected is < PatchFormat.MinExpectedBytes or > PatchFormat.MaxExpectedBytes)
        {
            return $"{name}: has {expected} expected bytes; expected {PatchFormat.MinExpectedBytes} to {PatchFormat.MaxExpectedBytes}";
        }

        if (f.OldSize > ulong.MaxValue - f.OldAddress)
        {
            return $"{name}: old function 0x{f.OldAddress:x} + 0x{f.OldSize:x} wraps around the address space";
        }

        if (f.EntryOffset + (ulong)expected > f.OldSize)
        {
            return $"{name}: the jump at entry offset {f.EntryOffset} overwrites {expected} bytes, " +
                $"past the end of the {f.OldSize}-byte old function";
        }

        ulong codeSize = (ulong)image.Code.Length;
        if (f.NewSize == 0 || f.NewOffset > codeSize || f.NewSize > codeSize - f.NewOffset)
        {
            return $"{name}: new code at offset 0x{f.NewOffset:x} size 0x{f.NewSize:x} lies outside the code " +
                $"(0x{codeSize:x} bytes)";
        }

        if (!seen.TryAdd(f.OldAddress, index))
        {
            return $"{name}: redirects 0x{f.OldAddress:x}, which function {seen[f.OldAddress] + 1} already redirects";
        }

        return null;
    }

    private static string? CheckRelocations(IReadOnlyList<PatchRelocation> relocations, PatchImage image, PatchReadLimits limits)
    {
        if (relocations.Count > limits.MaxRelocations)
        {
            return $"relocations section: {relocations.Count} entries exceed the limit of {limits.MaxRelocations}";
        }

        for (int i = 0; i < relocations.Count; i++)
        {
            string? problem = CheckRelocation(relocations[i], image, limits);
            if (problem is not null)
            {
                return $"relocations section: relocation {i + 1}{problem}";
            }
        }

        return null;
    }

    private static string? CheckRelocation(PatchRelocation? r, PatchImage image, PatchReadLimits limits)
    {
        if (r is null)
        {
            return ": is null";
        }

        int width = PatchFormat.Width(r.Kind);
        if (width == 0)
        {
            return $": relocation kind {(byte)r.Kind} is unknown (expected 1 to 10; a newer suture may know it)";
        }

        if (!PatchFormat.IsDefined(r.Target))
        {
            return $": symbol kind {(byte)r.Target} is unknown (expected 1 to 3)";
        }

        bool external = r.Target == PatchSymbolKind.External;
        string? problem = CheckString(r.Symbol, "symbol", limits, required: external)
            ?? (r.Version is null ? null : CheckString(r.Version, "version", limits));
        if (problem is not null)
        {
            return ": " + problem;
        }

        string name = $" ({r.Kind} against {r.Target} '{r.Symbol}')";
        ulong codeSize = (ulong)image.Code.Length;
        ulong dataStart = image.DataOffset;
        ulong dataEnd = dataStart + (ulong)image.Data.Length;
        bool inCode = r.Offset <= codeSize && (ulong)width <= codeSize - r.Offset;
        bool inData = r.Offset >= dataStart && r.Offset <= dataEnd && (ulong)width <= dataEnd - r.Offset;
        if (!inCode && !inData)
        {
            return $"{name}: {width} bytes at offset 0x{r.Offset:x} lie outside the image " +
                $"(code 0x0..0x{codeSize:x}, data 0x{dataStart:x}..0x{dataEnd:x}; bss is not relocatable)";
        }

        return r.Target switch
        {
            PatchSymbolKind.Image when PatchFormat.IsThreadLocal(r.Kind) =>
                $"{name}: a thread-local relocation must name an Object or External symbol, not the image",
            PatchSymbolKind.Image when r.Value > dataEnd + image.BssSize =>
                $"{name}: symbol value 0x{r.Value:x} lies past the end of the image (0x{dataEnd + image.BssSize:x})",
            PatchSymbolKind.External when r.Value != 0 =>
                $"{name}: value 0x{r.Value:x} must be 0 for an external symbol",
            not PatchSymbolKind.External when r.Version is not null =>
                $"{name}: has version '{r.Version}', but only external symbols are versioned",
            _ => null,
        };
    }
}
