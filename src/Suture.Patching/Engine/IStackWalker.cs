using Suture.Native;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine;

/// <summary>Produces the stack of a stopped thread for the safety check.</summary>
public interface IStackWalker
{
    ThreadFrames Walk(TracedThread thread, in UserRegs registers);
}
