namespace Suture.Protocol.Client;

/// <summary>
/// An answer that is not a success: its status, its reason phrase and, when the body is one, the
/// server's problem details (RFC 9457). 401 and 403 exit <see cref="ExitCode.PermissionDenied"/>,
/// every other refusal <see cref="ExitCode.Failure"/>.
/// </summary>
public sealed record ServerRefusal(int Status, string? ReasonPhrase, ProblemResponse? Problem)
{
    public bool IsPermission => Status is 401 or 403;

    public ExitCode ExitCode => IsPermission ? ExitCode.PermissionDenied : ExitCode.Failure;
}
