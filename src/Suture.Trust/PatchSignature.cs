namespace Suture.Trust;

/// <summary>
/// The <c>sign</c> section of a patch file: who claims to have signed it and the signature over
/// the file's first <see cref="CoveredLength"/> bytes (every byte before the signature value).
/// </summary>
internal sealed record PatchSignature(SignatureAlgorithm Algorithm, string KeyId, string SignerName, byte[] Value, int CoveredLength);
