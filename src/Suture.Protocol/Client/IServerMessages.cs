namespace Suture.Protocol.Client;

/// <summary>
/// The words of a <see cref="ServerConnection"/>'s failures. The connection decides what went
/// wrong and with which exit code; its user says it in its own terms (the admin CLI names
/// <c>--pin</c> and the request path, the agent the step and the server), so each message names
/// the subject the operator knows. <c>subject</c> is what the caller named the request.
/// </summary>
public interface IServerMessages
{
    /// <summary>Why a TLS handshake failed, as the <c>reason</c> given to <see cref="Unreachable"/>.</summary>
    string CertificateRefused { get; }

    /// <summary>No connection: refused, no route, a name that does not resolve, or the certificate (<see cref="CertificateRefused"/>).</summary>
    string Unreachable(string subject, string reason);

    /// <summary>No answer within the connection's request timeout.</summary>
    string NoAnswer(string subject, TimeSpan timeout);

    /// <summary>An answer that is not a success (its exit code is <see cref="ServerRefusal.ExitCode"/>).</summary>
    string Refused(string subject, ServerRefusal refusal);

    /// <summary>A success whose body is not the JSON the protocol's contract expects.</summary>
    string NotProtocol(string subject, string problem);

    /// <summary>A success whose body is the JSON <c>null</c>.</summary>
    string AnsweredNull(string subject);
}
