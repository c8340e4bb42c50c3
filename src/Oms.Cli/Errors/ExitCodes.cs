namespace Oms.Cli.Errors;

/// <summary>
/// The process exit codes of <c>oms</c>. They are part of the CLI's contract with scripts: never renumber.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command line is wrong (unknown command or option, missing argument, malformed value) or the gateway rejected the request as invalid (INVALID_ARGUMENT).</summary>
    public const int Usage = 1;

    /// <summary>The OMS refused: an order came back DENIED or REJECTED, a cancel or amend was refused, or the request conflicts with the current state (FAILED_PRECONDITION, ALREADY_EXISTS, RESOURCE_EXHAUSTED, ABORTED).</summary>
    public const int Refused = 2;

    /// <summary>The account or order does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>No valid API token (UNAUTHENTICATED) or the token lacks the permission on the account (PERMISSION_DENIED).</summary>
    public const int Auth = 4;

    /// <summary>No silo answers at the endpoint, the cluster is unavailable (UNAVAILABLE), or it did not answer within <c>--timeout</c>.</summary>
    public const int Unavailable = 5;

    /// <summary>The secret store failed: not found, access denied, unreachable, sealed, malformed or misconfigured.</summary>
    public const int SecretStore = 6;

    /// <summary>Something unexpected: an INTERNAL error from the server or a bug in the CLI.</summary>
    public const int Internal = 10;

    /// <summary>Interrupted with Ctrl+C before the command finished (except <c>oms watch</c>, for which Ctrl+C is the normal way to stop).</summary>
    public const int Interrupted = 130;
}
