using Suture.Format;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Symbols;

/// <summary>Finds the object a patch is for in a process, by GNU Build ID only (never by path).</summary>
internal static class TargetObjectLocator
{
    public static LoadedObject Find(int pid, IReadOnlyList<LoadedObject> objects, PatchTarget target)
    {
        LoadedObject? match = objects.FirstOrDefault(o => o.BuildId is not null && o.BuildId.AsSpan().SequenceEqual(target.BuildId));
        if (match is not null)
        {
            return match;
        }

        LoadedObject? sameName = objects.FirstOrDefault(o => o.FileName == target.ObjectName);
        string seen = sameName is not null
            ? $"it maps {sameName.Path} with Build ID {sameName.BuildIdHex}"
            : $"it maps no object named {target.ObjectName}";
        throw new SutureException(
            $"process {pid} maps no object with Build ID {target.BuildIdHex} (the patch is for {target.ObjectName}); {seen}; rebuild the patch against the binary the process runs",
            ExitCode.ObjectNotMapped);
    }
}
