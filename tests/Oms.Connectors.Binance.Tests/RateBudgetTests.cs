using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Tests;

public sealed class RateBudgetTests
{
    private static readonly RateLimitScope Weight = new(RateLimitKind.RequestWeight, "spot:ip:default");
    private static readonly RateLimitScope Orders = new(RateLimitKind.Orders, "spot:account:a1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private LocalRateBudget Budget(long weightLimit = 100, long ordersPer10s = 10, double reserve = 0.2, double cap = 1.0) =>
        new(_time, new RateBudgetSettings
        {
            PriorityReserveFraction = reserve,
            UtilizationCap = cap,
            DefaultLimits = new Dictionary<RateLimitKind, IReadOnlyList<RateLimitWindow>>
            {
                [RateLimitKind.RequestWeight] = [new(TimeSpan.FromMinutes(1), weightLimit)],
                [RateLimitKind.Orders] = [new(TimeSpan.FromSeconds(10), ordersPer10s), new(TimeSpan.FromDays(1), 1000)],
            },
        });

    [Fact]
    public void Normal_draws_stop_at_the_reserve_and_risk_reducing_draws_use_it()
    {
        var budget = Budget(weightLimit: 100, reserve: 0.2);

        for (var i = 0; i < 80; i++) Assert.True(budget.TryAcquire(Weight, 1, RatePriority.Normal).Granted);
        var refused = budget.TryAcquire(Weight, 1, RatePriority.Normal);

        Assert.False(refused.Granted);
        Assert.Equal(RateDenial.Exhausted, refused.Denial);
        Assert.Equal(Weight, refused.Scope);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.RetryAfter);
        for (var i = 0; i < 20; i++) Assert.True(budget.TryAcquire(Weight, 1, RatePriority.RiskReducing).Granted);
        Assert.False(budget.TryAcquire(Weight, 1, RatePriority.RiskReducing).Granted);
    }

    [Fact]
    public void Utilization_cap_keeps_a_margin_below_the_venue_limit()
    {
        var budget = Budget(weightLimit: 100, reserve: 0, cap: 0.9);

        Assert.True(budget.TryAcquire(Weight, 90, RatePriority.RiskReducing).Granted);
        Assert.False(budget.TryAcquire(Weight, 1, RatePriority.RiskReducing).Granted);
    }

    [Fact]
    public void Windows_reset_at_their_epoch_aligned_boundary()
    {
        var budget = Budget(weightLimit: 10, reserve: 0);
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.True(budget.TryAcquire(Weight, 10, RatePriority.Normal).Granted);
        var refused = budget.TryAcquire(Weight, 1, RatePriority.Normal);
        Assert.Equal(TimeSpan.FromSeconds(15), refused.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.True(budget.TryAcquire(Weight, 10, RatePriority.Normal).Granted);
    }

    [Fact]
    public void Multi_scope_draws_are_all_or_nothing()
    {
        var budget = Budget(weightLimit: 100, ordersPer10s: 2, reserve: 0);
        ReadOnlySpan<RateCharge> order = [new(Weight, 1), new(Orders, 1)];
        Assert.True(budget.TryAcquire(order, RatePriority.Normal).Granted);
        Assert.True(budget.TryAcquire(order, RatePriority.Normal).Granted);

        var refused = budget.TryAcquire(order, RatePriority.Normal);

        Assert.False(refused.Granted);
        Assert.Equal(Orders, refused.Scope);
        // The refused draw took no weight.
        Assert.Equal(2, budget.GetUsage(Weight).Single().Used);
        Assert.Equal([2L, 2L], budget.GetUsage(Orders).Select(u => u.Used));
    }

    [Fact]
    public void Venue_reported_usage_corrects_upwards_only()
    {
        var budget = Budget(weightLimit: 100, reserve: 0);
        budget.TryAcquire(Weight, 10, RatePriority.Normal);

        budget.ObserveUsage(Weight, TimeSpan.FromMinutes(1), 95);
        Assert.Equal(95, budget.GetUsage(Weight).Single().Used);
        budget.ObserveUsage(Weight, TimeSpan.FromMinutes(1), 50);
        Assert.Equal(95, budget.GetUsage(Weight).Single().Used);

        Assert.True(budget.TryAcquire(Weight, 5, RatePriority.Normal).Granted);
        Assert.False(budget.TryAcquire(Weight, 1, RatePriority.Normal).Granted);
    }

    [Fact]
    public void Reported_limit_replaces_the_configured_one_and_unknown_windows_are_learned()
    {
        var budget = Budget(weightLimit: 100, reserve: 0);

        budget.ObserveUsage(Weight, TimeSpan.FromMinutes(1), 0, limit: 6000);
        budget.ObserveUsage(Weight, TimeSpan.FromSeconds(1), 3, limit: 5);

        Assert.Equal([(TimeSpan.FromMinutes(1), 6000L), (TimeSpan.FromSeconds(1), 5L)], budget.GetUsage(Weight).Select(u => (u.Interval, u.Limit)));
        Assert.True(budget.TryAcquire(Weight, 2, RatePriority.Normal).Granted);
        Assert.False(budget.TryAcquire(Weight, 1, RatePriority.Normal).Granted);
    }

    [Fact]
    public void Freeze_refuses_every_priority_until_retry_after_then_lifts()
    {
        var budget = Budget();
        budget.Freeze(Weight, _time.GetUtcNow().AddSeconds(30));

        var refused = budget.TryAcquire(Weight, 1, RatePriority.RiskReducing);

        Assert.Equal(RateDenial.Frozen, refused.Denial);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.NotNull(budget.GetUsage(Weight).Single().FrozenUntil);
        // A shorter freeze does not shorten a longer one.
        budget.Freeze(Weight, _time.GetUtcNow().AddSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(budget.TryAcquire(Weight, 1, RatePriority.RiskReducing).Granted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryAcquire(Weight, 1, RatePriority.Normal).Granted);
    }

    [Fact]
    public void Release_refunds_within_the_same_window_only()
    {
        var budget = Budget(weightLimit: 10, reserve: 0);
        budget.TryAcquire(Weight, 10, RatePriority.Normal);
        ReadOnlySpan<RateCharge> refund = [new(Weight, 4)];

        budget.Release(refund);

        Assert.Equal(6, budget.GetUsage(Weight).Single().Used);
        _time.Advance(TimeSpan.FromMinutes(1));
        budget.TryAcquire(Weight, 1, RatePriority.Normal);
        budget.Release(refund);
        Assert.Equal(0, budget.GetUsage(Weight).Single().Used);
    }

    [Fact]
    public void Set_limits_applies_to_existing_scopes()
    {
        var budget = Budget(weightLimit: 10, reserve: 0);
        budget.TryAcquire(Weight, 10, RatePriority.Normal);

        budget.SetLimits(RateLimitKind.RequestWeight, [new RateLimitWindow(TimeSpan.FromMinutes(1), 20)]);

        Assert.True(budget.TryAcquire(Weight, 10, RatePriority.Normal).Granted);
    }

    [Fact]
    public void Scopes_without_limits_are_unlimited_but_can_be_frozen()
    {
        var budget = Budget();
        var raw = new RateLimitScope(RateLimitKind.RawRequests, "spot:ip:default");

        Assert.True(budget.TryAcquire(raw, 1_000_000, RatePriority.Normal).Granted);
        budget.Freeze(raw, _time.GetUtcNow().AddSeconds(1));
        Assert.Equal(RateDenial.Frozen, budget.TryAcquire(raw, 1, RatePriority.Normal).Denial);
    }

    [Fact]
    public void Server_clock_uses_the_shortest_round_trip_sample_and_restarts_after_invalidation()
    {
        var clock = new BinanceServerClock(_time, TimeSpan.FromMinutes(10));
        Assert.True(clock.NeedsSync);
        var now = _time.GetUtcNow();

        // Server is 2 s ahead; a 100 ms round trip measures it exactly at the midpoint.
        clock.Observe(now, now.AddMilliseconds(100), now.AddMilliseconds(50).AddSeconds(2).ToUnixTimeMilliseconds());
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Offset);
        Assert.False(clock.NeedsSync);
        // A slow sample (2 s round trip) with a skewed reading does not win.
        clock.Observe(now, now.AddSeconds(2), now.AddSeconds(5).ToUnixTimeMilliseconds());
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Offset);
        Assert.Equal(_time.GetUtcNow().AddSeconds(2).ToUnixTimeMilliseconds(), clock.TimestampMilliseconds());

        clock.Invalidate();
        Assert.True(clock.NeedsSync);
        clock.Observe(now, now.AddSeconds(2), now.AddSeconds(5).ToUnixTimeMilliseconds());
        Assert.Equal(TimeSpan.FromSeconds(4), clock.Offset);

        // The last sample was received 2 s after "now"; the sync interval counts from then.
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(clock.NeedsSync);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(clock.NeedsSync);
    }
}
