namespace Suture.Process.Tracing;

/// <summary>
/// Pauses between polls of something that usually happens at once (a thread reporting its stop):
/// a few yields first, then 1 ms sleeps, so a wait costs no CPU and still ends within about a
/// millisecond of the event, a deadline or a cancellation.
/// </summary>
internal static class Backoff
{
    private const int Yields = 8;

    public static void Pause(int attempt)
    {
        if (attempt < Yields)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}
