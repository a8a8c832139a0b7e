using System.Text.Json;
using System.Text.Json.Serialization;
using Suture.Process.Objects;

namespace Suture.Patching.Host;

/// <summary>
/// The state directory's <c>.scan.json</c>: the process snapshots and package owners the last
/// refresh read, so the next one after an apply or revert reads only what changed
/// (<see cref="HostScan.Update"/>). Private to suture (docs/scanners.md); a cache of another
/// boot or format, or one that does not parse, is ignored and the refresh scans in full.
/// </summary>
public static class ScanCache
{
    public const string FileName = ".scan.json";
    private const int Format = 1;

    public static (IReadOnlyList<ProcessSnapshot> Processes, PackageOwners Owners)? Read(string directory)
    {
        ScanCacheFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(directory, FileName)), ScanCacheJsonContext.Default.ScanCacheFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }

        if (file is null || file.Format != Format || file.Boot != BootId() || file.Processes is null || file.Objects is null)
        {
            return null;
        }

        var processes = new List<ProcessSnapshot>(file.Processes.Count);
        foreach (CachedProcess p in file.Processes)
        {
            if (p.Objects.Any(i => i < 0 || i >= file.Objects.Count))
            {
                return null;
            }

            processes.Add(new ProcessSnapshot
            {
                Pid = p.Pid,
                Identity = new ProcessIdentity(p.Start, p.Size),
                Objects = p.Objects.Select(i => (file.Objects[i].Path, file.Objects[i].BuildId)).ToList(),
                Applied = p.Applied,
                Problem = p.Problem,
                ActiveIfRead = p.Active,
            });
        }

        PackageOwners owners = PackageOwners.Resume(file.Dpkg ?? "", (file.Owners ?? []).Select(o => KeyValuePair.Create(o.Path, o.Package is null ? null : new PackageOwner(o.Package, o.Version ?? "", o.Installed))));
        return (processes, owners);
    }

    /// <summary>The bytes of the cache for <paramref name="state"/>, or null when it carries no snapshots.</summary>
    public static byte[]? Json(HostState state)
    {
        if (state.Processes is null)
        {
            return null;
        }

        var table = new Dictionary<(string, string), int>();
        var objects = new List<CachedObject>();
        var processes = new List<CachedProcess>(state.Processes.Count);
        foreach (ProcessSnapshot p in state.Processes)
        {
            var indices = new List<int>(p.Objects.Count);
            foreach ((string path, string buildId) in p.Objects)
            {
                if (!table.TryGetValue((path, buildId), out int index))
                {
                    index = objects.Count;
                    table[(path, buildId)] = index;
                    objects.Add(new CachedObject(path, buildId));
                }

                indices.Add(index);
            }

            processes.Add(new CachedProcess(p.Pid, p.Identity.StartTime, p.Identity.VirtualSize, indices, p.Applied?.ToList(), p.Problem, p.ActiveIfRead?.ToList()));
        }

        List<CachedOwner> owners = state.Owners is { Stamp.Length: > 0 } known
            ? known.Known.Select(k => new CachedOwner(k.Key, k.Value?.Package, k.Value?.Version, k.Value?.Installed)).ToList()
            : [];
        return JsonSerializer.SerializeToUtf8Bytes(new ScanCacheFile(Format, BootId(), state.Owners?.Stamp, owners, objects, processes), ScanCacheJsonContext.Default.ScanCacheFile);
    }

    /// <summary>Start times count from boot: a cache of another boot says nothing of this one's processes.</summary>
    private static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

internal sealed record ScanCacheFile(int Format, string Boot, string? Dpkg, List<CachedOwner>? Owners, List<CachedObject>? Objects, List<CachedProcess>? Processes);

internal sealed record CachedOwner(string Path, string? Package, string? Version, DpkgPackage? Installed);

internal sealed record CachedObject(string Path, string BuildId);

internal sealed record CachedProcess(int Pid, ulong Start, ulong Size, List<int> Objects, List<SnapshotRecord>? Applied, string? Problem, List<SnapshotActive>? Active);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScanCacheFile))]
internal sealed partial class ScanCacheJsonContext : JsonSerializerContext;
