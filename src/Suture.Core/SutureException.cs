namespace Suture;

/// <summary>
/// An anticipated failure: the message is one line for the operator (what, which subject, what to
/// do next) and <see cref="ExitCode"/> is what the command exits with. Caught once, in the CLI.
/// </summary>
public class SutureException : Exception
{
    public SutureException(string message, ExitCode exitCode = ExitCode.Failure, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public ExitCode ExitCode { get; }
}
