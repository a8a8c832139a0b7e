using System.Diagnostics.CodeAnalysis;

namespace Suture.Process.Unwinding;

/// <summary>Code whose unwind table is <see cref="Name"/>'s, at run-time address = link-time + <see cref="Bias"/>. The table is loaded on first use, once.</summary>
internal sealed class CodeRegion
{
    private readonly Func<(EhFrameTable? Table, string? Error)>? _loader;
    private EhFrameTable? _table;
    private string? _error;
    private bool _loaded;

    public CodeRegion(string name, ulong bias, Func<(EhFrameTable? Table, string? Error)> loader)
    {
        Name = name;
        Bias = bias;
        _loader = loader;
    }

    public CodeRegion(string name, ulong bias, EhFrameTable table)
    {
        Name = name;
        Bias = bias;
        _table = table;
        _loaded = true;
    }

    public string Name { get; }

    public ulong Bias { get; }

    public bool IsLoaded => _loaded;

    public bool TryGetTable([NotNullWhen(true)] out EhFrameTable? table, [NotNullWhen(false)] out string? error)
    {
        if (!_loaded)
        {
            _loaded = true;
            (_table, _error) = _loader!();
        }

        table = _table;
        error = _table is null ? _error ?? "it has no .eh_frame" : null;
        return _table is not null;
    }
}
