namespace Suture;

/// <summary>
/// Process exit codes of the <c>suture</c> command. Each anticipated failure has its own code so
/// scripts can tell them apart; the table is documented in README.md.
/// </summary>
public enum ExitCode
{
    Success = 0,
    Failure = 1,
    Usage = 2,
    NoSuchProcess = 3,
    PermissionDenied = 4,
    ObjectNotMapped = 5,
    CorruptPatch = 6,
    AlreadyApplied = 7,
    NothingToRevert = 8,
    Busy = 9,
    BuildFailed = 10,
    Unpatchable = 11,
    TargetMismatch = 12,
    PartialFailure = 13,

    /// <summary>The patch is not signed by a trusted key (unsigned, unknown or revoked key, changed after signing), or the trust directory is unusable.</summary>
    Untrusted = 14,

    /// <summary><c>status --cves</c>: some CVE is only partially fixed (a process still runs the vulnerable code) or not fixed.</summary>
    CvesNotAllFixed = 15,

    /// <summary><c>status --cves</c>: no running process runs a patch that fixes a CVE.</summary>
    NoCveFixes = 16,
    Interrupted = 130,
}
