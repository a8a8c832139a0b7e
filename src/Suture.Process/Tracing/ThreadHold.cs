namespace Suture.Process.Tracing;

/// <summary>Where a seized thread is, seen from the tracer.</summary>
internal enum ThreadHold
{
    /// <summary>Seized and asked to stop; its stop has not been reported yet.</summary>
    Pending,

    /// <summary>In a ptrace stop, held by Suture.</summary>
    Held,

    /// <summary>Detached: it runs on its own again.</summary>
    Released,

    /// <summary>Exited.</summary>
    Gone,

    /// <summary>
    /// Did not stop in time (asleep in the kernel, uninterruptibly): still seized, handed to
    /// <see cref="Stragglers"/>, which lets it go as soon as it reports its stop.
    /// </summary>
    Abandoned,
}
