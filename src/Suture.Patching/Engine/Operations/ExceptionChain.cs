namespace Suture.Patching.Engine.Operations;

/// <summary>Looks through an exception and the inner exceptions it wraps.</summary>
internal static class ExceptionChain
{
    public static bool Any(Exception? failure, Func<Exception, bool> predicate)
    {
        for (; failure is not null; failure = failure.InnerException)
        {
            if (predicate(failure))
            {
                return true;
            }
        }

        return false;
    }
}
