namespace Suture.Patching.State;

/// <summary>
/// Who signed an applied patch, as verified against the host's trust directory before it was
/// applied: the key id and the name the trusted key file gives it. A record without one was
/// applied unsigned (<c>--allow-unsigned</c>, or through the library without verification).
/// </summary>
public sealed record PatchSigner(string KeyId, string Name);
