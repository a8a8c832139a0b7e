using Suture.Server.Data.Entities;

namespace Suture.Server.Hosts;

internal static class HostTagSet
{
    /// <summary>Makes the host's tags exactly <paramref name="tags"/>, keeping rows that stay; whether anything changed.</summary>
    public static bool Set(ManagedHost host, IEnumerable<string> tags)
    {
        string[] wanted = [.. tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (host.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal).SequenceEqual(wanted))
        {
            return false;
        }

        host.Tags.RemoveAll(t => !wanted.Contains(t.Tag));
        host.Tags.AddRange(wanted.Where(t => !host.Tags.Any(x => x.Tag == t)).Select(t => new HostTag { HostId = host.Id, Tag = t }).ToList());
        return true;
    }
}
