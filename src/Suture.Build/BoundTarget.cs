using Suture.Build.Assembly;
using Suture.Build.Diff;

namespace Suture.Build;

/// <summary>One deployed binary and the changed objects linked into it.</summary>
internal sealed class BoundTarget(TargetBinary target)
{
    private readonly List<ObjectChanges> _changes = [];

    public TargetBinary Target { get; } = target;

    /// <summary>The build's output for the target, relative to the tree; null when no link step named it.</summary>
    public string? Output { get; private set; }

    public IReadOnlyList<ObjectChanges> Changes => _changes;

    public void Add(ObjectChanges change, string? output)
    {
        if (!_changes.Contains(change))
        {
            _changes.Add(change);
        }

        Output ??= output;
    }
}
