namespace Suture.Protocol;

/// <summary>The version of the host/server protocol (docs/protocol.md) these contracts describe.</summary>
public static class ProtocolVersion
{
    /// <summary>Version 1: the only one so far. Every path starts with <see cref="PathPrefix"/>.</summary>
    public const int Current = 1;

    public const string PathPrefix = "/api/v1";

    /// <summary>Request header in which an agent names the protocol version it speaks.</summary>
    public const string HeaderName = "Suture-Protocol";
}
