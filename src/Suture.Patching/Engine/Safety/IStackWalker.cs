using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Safety;

/// <summary>Produces the frames of a stopped thread (or a suspended coroutine) for the safety check.</summary>
internal interface IStackWalker
{
    ThreadFrames Walk(in ThreadRegisters registers);
}
