using System.Text.Json.Serialization;

namespace Suture.Contracts;

/// <summary>What a patch file contains (<c>suture inspect --json</c>).</summary>
/// <param name="Id">The patch's id, e.g. <c>seed-fix-1</c>.</param>
/// <param name="Level">Cumulative level for its object, 1 or more.</param>
/// <param name="ObjectName">The target object's file name (for people; matching is by Build ID).</param>
/// <param name="BuildId">The target's GNU Build ID, lower-case hex.</param>
/// <param name="Sha256">The SHA-256 the file ends with, lower-case hex (recorded in the process on apply).</param>
/// <param name="Signature">Who the patch says signed it (not verified by inspect), or null when unsigned.</param>
/// <param name="UnwindTableSize">Bytes of the patch's <c>.eh_frame</c>, 0 when it carries none.</param>
/// <param name="Needs">The external symbols the patch resolves in the process, once per name and version.</param>
/// <param name="Functions">The redirected functions.</param>
public sealed record InspectResult(
    string Id,
    int Level,
    [property: JsonPropertyName("object")] string ObjectName,
    string BuildId,
    string Description,
    IReadOnlyList<string> Cves,
    DateTime Created,
    string Compiler,
    string BuildCommand,
    IReadOnlyList<string> Overrides,
    string Sha256,
    Signer? Signature,
    int CodeSize,
    int DataSize,
    ulong BssSize,
    int Relocations,
    ulong UnwindTableSize,
    IReadOnlyList<NeededSymbol> Needs,
    IReadOnlyList<RedirectedFunction> Functions);

/// <summary>A signing key: its id (16 hex digits of the SHA-256 of the public key) and whose it is.</summary>
public sealed record Signer(string KeyId, string Name);

/// <summary>A symbol of another loaded object the patch needs.</summary>
/// <param name="Version">The symbol version, e.g. <c>GLIBC_2.2.5</c>, or null.</param>
/// <param name="ThreadLocal">Whether it is a thread-local variable.</param>
public sealed record NeededSymbol(string Symbol, string? Version, bool ThreadLocal);

/// <summary>A function of the target whose entry the patch redirects.</summary>
/// <param name="OldAddress">Link-time address, <c>0x</c> hex.</param>
/// <param name="EntryOffset">Bytes kept before the jump (4 after <c>endbr64</c>).</param>
/// <param name="ExpectedBytes">The bytes the jump overwrites, lower-case hex.</param>
/// <param name="NewOffset">Offset of the new code in the patch image, <c>0x</c> hex.</param>
public sealed record RedirectedFunction(
    string Symbol,
    string OldAddress,
    ulong OldSize,
    uint EntryOffset,
    string ExpectedBytes,
    string NewOffset,
    ulong NewSize);
