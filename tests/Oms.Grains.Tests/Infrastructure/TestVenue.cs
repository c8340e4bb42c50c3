using System.Collections.Concurrent;

namespace Oms.Grains.Tests.Infrastructure;

/// <summary>What the test venue does with a routed command.</summary>
public enum RouteBehavior
{
    /// <summary>Queue it (the normal case).</summary>
    Queue = 1,
    /// <summary>Refuse it: nothing is sent (e.g. no connector for the venue).</summary>
    Refuse = 2,
    /// <summary>Throw: whether it was queued is unknown to the caller.</summary>
    Throw = 3,
}

/// <summary>
/// The venue double behind <see cref="IVenueOrderRouter"/>: records every routed command per account and lets a test
/// choose, per account and command type, whether routing queues, refuses or throws. What the "venue" answers is
/// scripted by the test through <see cref="VenueDriver"/>, exactly as a connector worker would deliver it.
/// </summary>
public sealed class TestVenue : IVenueOrderRouter
{
    private readonly ConcurrentDictionary<AccountId, ConcurrentQueue<VenueCommand>> _commands = new();
    private readonly ConcurrentDictionary<(AccountId, Type), RouteBehavior> _behaviors = new();

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        var behavior = _behaviors.GetValueOrDefault((command.Account, command.GetType()), RouteBehavior.Queue);
        switch (behavior)
        {
            case RouteBehavior.Refuse:
                return ValueTask.FromResult(RouteResult.Refused(DenialCode.VenueUnavailable, $"no connector serves {command.Instrument.Venue} for account {command.Account}"));
            case RouteBehavior.Throw:
                throw new InvalidOperationException($"test venue: routing {command.GetType().Name} for {command.ClientOrderId} failed");
            default:
                _commands.GetOrAdd(command.Account, static _ => new ConcurrentQueue<VenueCommand>()).Enqueue(command);
                return ValueTask.FromResult(RouteResult.Queued);
        }
    }

    public void SetBehavior<TCommand>(AccountId account, RouteBehavior behavior) where TCommand : VenueCommand =>
        _behaviors[(account, typeof(TCommand))] = behavior;

    /// <summary>The commands queued for an account, in routing order.</summary>
    public IReadOnlyList<VenueCommand> Commands(AccountId account) =>
        _commands.TryGetValue(account, out var queue) ? queue.ToArray() : [];

    public IReadOnlyList<TCommand> Commands<TCommand>(AccountId account) where TCommand : VenueCommand =>
        Commands(account).OfType<TCommand>().ToArray();
}
