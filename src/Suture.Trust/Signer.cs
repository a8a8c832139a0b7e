namespace Suture.Trust;

/// <summary>Who signed a patch that verified: the key id and the name the trusted key file gives it.</summary>
public sealed record Signer(string KeyId, string Name)
{
    public override string ToString() => Name.Length == 0 ? KeyId : $"{KeyId} ({Name})";
}
