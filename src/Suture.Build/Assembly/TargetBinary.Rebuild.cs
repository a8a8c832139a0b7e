using Suture.Elf;

namespace Suture.Build.Assembly;

internal sealed partial class TargetBinary
{
    /// <summary>
    /// Takes the symbols of a stripped target from the rebuilt original's link output
    /// <paramref name="rebuilt"/>: a function is adopted when the target has the same bytes at the
    /// same address (a reproducible build puts equal code at equal offsets), a variable when the
    /// section holding it has the same name, address and size in both. Functions whose code differs
    /// are remembered in <see cref="Unplaced"/>, for the build-environment check to report.
    /// Returns the number of functions adopted.
    /// </summary>
    public int AdoptFromRebuild(string rebuiltPath)
    {
        ElfFile rebuilt = ElfFile.Load(rebuiltPath);
        Rebuilt = (rebuiltPath, rebuilt);
        if (rebuilt.Symbols.Count == 0)
        {
            throw new SutureException(
                $"{Path} is stripped and no debug file with its Build ID is installed ({DebugFiles.Where(File.BuildIdHex!)}), and the rebuilt {rebuiltPath} is stripped too, so suture cannot locate its static functions; install its -dbgsym package or keep the build from stripping (e.g. DEB_BUILD_OPTIONS=nostrip)",
                ExitCode.Unpatchable);
        }

        int adopted = 0;
        Index(rebuilt.Symbols, (symbol, file) =>
        {
            if (symbol.Type is ElfSymbolType.Func or ElfSymbolType.GnuIfunc && symbol.Size > 0)
            {
                if (SameCode(rebuilt, symbol))
                {
                    adopted++;
                    return true;
                }

                if (symbol.Binding == ElfSymbolBinding.Local || !_defined.ContainsKey(BaseName(symbol.Name)))
                {
                    _unplaced.Add((BaseName(symbol.Name), file, symbol.Value));
                }

                return false;
            }

            // Variables, and labels without a size (crt's frame_dummy), by where their section is.
            return symbol.Binding == ElfSymbolBinding.Local && SameSection(rebuilt, symbol);
        });
        SymbolSource = $"the rebuilt {System.IO.Path.GetFileName(rebuiltPath)} (equal code at equal addresses)";
        return adopted;
    }

    private bool SameCode(ElfFile rebuilt, ElfSymbol symbol)
    {
        if (symbol.Size == 0 || symbol.Size > 16 * 1024 * 1024)
        {
            return false;
        }

        byte[] theirs = new byte[symbol.Size];
        byte[] ours = new byte[symbol.Size];
        return File.TryReadAtAddress(symbol.Value, theirs) && rebuilt.TryReadAtAddress(symbol.Value, ours) && theirs.AsSpan().SequenceEqual(ours);
    }

    private bool SameSection(ElfFile rebuilt, ElfSymbol symbol)
    {
        if (symbol.SectionIndex == 0 || symbol.SectionIndex >= rebuilt.Sections.Count)
        {
            return false;
        }

        ElfSection section = rebuilt.Sections[symbol.SectionIndex];
        return File.FindSection(section.Name) is { } deployed && deployed.Address == section.Address && deployed.Size == section.Size;
    }
}
