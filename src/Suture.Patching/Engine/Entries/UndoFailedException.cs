namespace Suture.Patching.Engine.Entries;

/// <summary>A failure half-way whose writes could not all be put back: the patch memory must stay mapped, since entries may still jump to it.</summary>
internal sealed class UndoFailedException(string message, Exception inner) : SutureException(message, ExitCode.Failure, inner);
