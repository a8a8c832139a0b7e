using System.Diagnostics;

namespace Suture.TestSupport;

/// <summary>Waits on a condition with a deadline (tests never sleep a fixed time instead).</summary>
public static class Wait
{
    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static void Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s");
            }

            Thread.Sleep(1);
        }
    }
}
