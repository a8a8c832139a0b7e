using Suture.Build.Assembly;

namespace Suture.Build.Workspace;

/// <summary>
/// Which objects of the original build a <c>--target</c> may run: those linked into an output
/// deployed as a target (<see cref="OutputMatch"/>), and those no link step uses unless the same
/// source is compiled into another object a link step does use (libtool's non-PIC copy beside
/// its PIC object); an object of unknown use counts, as <see cref="TargetBinding"/> decides it.
/// </summary>
internal sealed class TargetReach
{
    private readonly CompilerLog _log;
    private readonly IReadOnlyList<TargetBinary> _targets;
    private readonly Action<string> _progress;
    private readonly Dictionary<string, bool> _outputs = new(StringComparer.Ordinal);
    private readonly ILookup<string, string> _linkedBySource;
    private readonly object _lock = new();

    public TargetReach(CompilerLog log, IReadOnlyList<TargetBinary> targets, Action<string> progress)
    {
        _log = log;
        _targets = targets;
        _progress = progress;
        _linkedBySource = log.Runs.SelectMany(CompileStep.Of)
            .Where(s => log.OutputsLinking(Path.GetRelativePath(log.Tree, s.Object)).Count > 0)
            .ToLookup(s => Path.GetRelativePath(log.Tree, s.Source), s => Path.GetRelativePath(log.Tree, s.Object), StringComparer.Ordinal);
    }

    /// <summary>Whether the object (relative to the tree) may be in a deployed target.</summary>
    public bool MayReach(string relativeObject)
    {
        IReadOnlyList<string> outputs = _log.OutputsLinking(relativeObject);
        if (outputs.Count == 0)
        {
            string? source = _log.StepWriting(relativeObject) is { } step ? Path.GetRelativePath(_log.Tree, step.Source) : null;
            return source is null || !_linkedBySource[source].Any(o => o != relativeObject);
        }

        lock (_lock)
        {
            foreach (string output in outputs)
            {
                if (!_outputs.TryGetValue(output, out bool deployed))
                {
                    _outputs[output] = deployed = OutputMatch.Find(_targets, output, Path.Combine(_log.Tree, output), _progress) is not null;
                }

                if (deployed)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
