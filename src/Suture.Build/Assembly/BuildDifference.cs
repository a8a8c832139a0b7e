namespace Suture.Build.Assembly;

/// <summary>
/// A function or initialised variable whose bytes in the rebuilt original are not those of the
/// deployed target, found by <see cref="BuildEnvironmentCheck"/>.
/// </summary>
/// <param name="Source">The object's source file (or its file name when it has none).</param>
/// <param name="Symbol">The function or variable, as in the symbol table (C++ names stay mangled).</param>
/// <param name="Reason">What differs, e.g. "code differs at offset 12 (0x1139 in foo)".</param>
internal sealed record BuildDifference(string Source, string Symbol, string Reason)
{
    public override string ToString() => $"{Source}: {Symbol}: {Reason}";
}
