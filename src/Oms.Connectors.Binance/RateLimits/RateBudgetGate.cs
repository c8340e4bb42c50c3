using System.Runtime.CompilerServices;

namespace Oms.Connectors.Binance.RateLimits;

/// <summary>Up to four charges of one call, kept inline (no allocation).</summary>
[InlineArray(4)]
internal struct RateChargeBuffer
{
    private RateCharge _element;
}

/// <summary>
/// The single place REST and WebSocket calls draw budget: waits a short while for room in a window (never for a
/// frozen scope), and otherwise returns a <see cref="VenueErrorKind.RateLimited"/> error with <c>Sent = false</c>.
/// </summary>
internal sealed class RateBudgetGate
{
    private readonly IRateBudget _budget;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;

    public RateBudgetGate(IRateBudget budget, TimeProvider time, TimeSpan maxWait)
    {
        _budget = budget;
        _time = time;
        _maxWait = maxWait;
    }

    public IRateBudget Budget => _budget;

    public async ValueTask<BinanceError?> AcquireAsync(RateChargeBuffer charges, int count, RatePriority priority, string operation, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _maxWait;
        while (true)
        {
            var decision = TryAcquire(ref charges, count, priority);
            if (decision.Granted) return null;
            var now = _time.GetUtcNow();
            var retryAt = now + decision.RetryAfter;
            if (decision.Denial == RateDenial.Frozen || retryAt > deadline)
            {
                var reason = decision.Denial == RateDenial.Frozen
                    ? $"rate budget {decision.Scope} is frozen by the venue until {retryAt:O}; nothing was sent"
                    : $"rate budget {decision.Scope} is used up for {priority} calls until {retryAt:O}; nothing was sent";
                return new BinanceError
                {
                    Kind = VenueErrorKind.RateLimited,
                    Operation = operation,
                    Reason = reason,
                    RetryAt = retryAt,
                    Sent = false,
                };
            }
            var wait = decision.RetryAfter > TimeSpan.FromMilliseconds(1) ? decision.RetryAfter : TimeSpan.FromMilliseconds(1);
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private RateDecision TryAcquire(ref RateChargeBuffer charges, int count, RatePriority priority)
    {
        ReadOnlySpan<RateCharge> span = charges;
        return _budget.TryAcquire(span[..count], priority);
    }

    /// <summary>Refunds the weight of a call the venue did not weigh (0-weight successful orders).</summary>
    public void ReleaseWeight(RateLimitScope weightScope, int weight)
    {
        if (weight <= 0) return;
        ReadOnlySpan<RateCharge> refund = [new RateCharge(weightScope, weight)];
        _budget.Release(refund);
    }
}
