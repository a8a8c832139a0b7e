using Suture.Native;

namespace Suture.Patching.Engine.Safety;

/// <summary>Produces the frames of a stopped thread (or a suspended coroutine) for the safety check.</summary>
public interface IStackWalker
{
    ThreadFrames Walk(in UserRegs registers);
}
