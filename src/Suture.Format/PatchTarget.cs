namespace Suture.Format;

/// <summary>The object a patch applies to: its GNU Build ID and its file name (for messages).</summary>
public sealed record PatchTarget(byte[] BuildId, string ObjectName)
{
    public string BuildIdHex => Convert.ToHexStringLower(BuildId);
}
