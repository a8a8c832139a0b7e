namespace Suture.Server.Data.Entities;

/// <summary>An uploaded patch file, described by what its reader found in it.</summary>
internal sealed class Patch
{
    public long Id { get; set; }

    /// <summary>SHA-256 of the whole file, hex: the patch's identity on the server and the digest agents check.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The id in the patch's metadata.</summary>
    public required string PatchId { get; set; }

    public required string BuildId { get; set; }

    public required string ObjectName { get; set; }

    public string? Package { get; set; }

    public string? Version { get; set; }

    public int Level { get; set; }

    public string Description { get; set; } = "";

    public long Size { get; set; }

    public DateTimeOffset Uploaded { get; set; }

    /// <summary>How the signature was judged at upload (<see cref="Patches.PatchSignatureCheck"/>).</summary>
    public required string Signature { get; set; }

    public List<PatchCve> Cves { get; set; } = [];
}

internal sealed class PatchCve
{
    public long PatchId { get; set; }

    public required string Cve { get; set; }
}

/// <summary>The bytes of a patch, apart from its description so lists never load them.</summary>
internal sealed class PatchContent
{
    public long PatchId { get; set; }

    public required byte[] Data { get; set; }
}

/// <summary>A patch's state in a feed; no row means the feed has not approved it.</summary>
internal sealed class FeedPatch
{
    public long FeedId { get; set; }

    public long PatchId { get; set; }

    public Patch Patch { get; set; } = null!;

    public Protocol.Admin.FeedPatchState State { get; set; }

    /// <summary>When it was (last) enabled; it deploys at this plus the feed's delay.</summary>
    public DateTimeOffset? Approved { get; set; }

    public DateTimeOffset Changed { get; set; }
}
