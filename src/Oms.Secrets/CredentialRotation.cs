using Oms.Domain;

namespace Oms.Secrets;

/// <summary>
/// The store holds a new version of an account's credentials, and the cache now serves it: <see cref="Current"/> is
/// also what <see cref="IVenueCredentialStore.GetAsync"/> returns from now on.
/// </summary>
public sealed record CredentialsRotated(
    Venue Venue,
    AccountId Account,
    string PreviousVersion,
    string CurrentVersion,
    DateTimeOffset DetectedAt,
    VenueCredentials Current);

/// <summary>A poll could not check an account's credentials; the last good credentials stay in use.</summary>
public sealed record CredentialRefreshFailed(
    Venue Venue,
    AccountId Account,
    string ServedVersion,
    SecretStoreErrorKind Kind,
    string Message,
    int ConsecutiveFailures,
    DateTimeOffset FailedAt);

/// <summary>
/// Reacts to credential changes, e.g. a connector that re-establishes its venue sessions with the new key.
/// Called on the polling loop, one notification at a time; an exception is logged and does not stop other listeners.
/// </summary>
public interface ICredentialRotationListener
{
    /// <summary>Handles a rotation: called once per new version per account.</summary>
    ValueTask OnCredentialsRotatedAsync(CredentialsRotated rotation, CancellationToken cancellationToken);

    /// <summary>Handles a failed check (by default nothing: the failure is already logged).</summary>
    ValueTask OnRefreshFailedAsync(CredentialRefreshFailed failure, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Lets components subscribe to credential rotations.</summary>
public interface ICredentialRotationNotifier
{
    /// <summary>Subscribes <paramref name="listener"/> until the returned handle is disposed.</summary>
    IDisposable Subscribe(ICredentialRotationListener listener);
}

/// <summary>Delegate-based subscriptions.</summary>
public static class CredentialRotationNotifierExtensions
{
    /// <summary>Subscribes a delegate to rotations (optionally to one venue/account only).</summary>
    public static IDisposable OnRotated(
        this ICredentialRotationNotifier notifier,
        Func<CredentialsRotated, CancellationToken, ValueTask> handler,
        Venue? venue = null,
        AccountId? account = null)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(handler);
        return notifier.Subscribe(new DelegateListener(handler, venue, account));
    }

    private sealed class DelegateListener(
        Func<CredentialsRotated, CancellationToken, ValueTask> handler, Venue? venue, AccountId? account)
        : ICredentialRotationListener
    {
        public ValueTask OnCredentialsRotatedAsync(CredentialsRotated rotation, CancellationToken cancellationToken)
        {
            if ((venue is { } v && v != rotation.Venue) || (account is { } a && a != rotation.Account))
            {
                return ValueTask.CompletedTask;
            }

            return handler(rotation, cancellationToken);
        }
    }
}
