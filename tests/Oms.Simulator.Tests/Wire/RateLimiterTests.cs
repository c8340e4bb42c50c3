using Oms.Simulator.Wire.RateLimits;
using Xunit;

namespace Oms.Simulator.Tests.Wire;

public sealed class RateLimiterTests
{
    private const long Minute = 60_000;
    private const long T0 = 1_700_000_020_000; // 40 s into a minute window, at a 10 s boundary

    private static VenueRateLimiter Limiter(int weight = 10, int orders10s = 3, int? ordersDay = 100, int after429 = 2) => new(new RateLimitSettings
    {
        WeightRules = [new RateLimitRule(RateLimitType.RequestWeight, RateLimitInterval.Minute, 1, weight)],
        OrderRules =
        [
            new RateLimitRule(RateLimitType.Orders, RateLimitInterval.Second, 10, orders10s),
            .. ordersDay is { } d ? new[] { new RateLimitRule(RateLimitType.Orders, RateLimitInterval.Day, 1, d) } : [],
        ],
        ConnectionAttempts = new RateLimitRule(RateLimitType.RawRequests, RateLimitInterval.Minute, 5, 2),
        RequestsAfter429BeforeBan = after429,
        InitialBan = TimeSpan.FromMinutes(2),
        MaxBan = TimeSpan.FromDays(3),
    });

    [Fact]
    public void Weight_over_limit_is_429_with_retry_after_until_window_end()
    {
        var limiter = Limiter();
        Assert.Null(limiter.TryConsumeWeight("ip", 10, T0));
        var error = limiter.TryConsumeWeight("ip", 1, T0);

        Assert.NotNull(error);
        Assert.Equal(429, error.HttpStatus);
        Assert.Equal(-1003, error.Code);
        Assert.Equal(20, error.RetryAfterSeconds);
        Assert.Equal(T0 + 20_000, error.RetryAfterEpochMs);
        Assert.Equal("Too much request weight used; current limit is 10 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.", error.Message);
        Assert.Equal(10, limiter.WeightUsage("ip", T0).Single().Count);
    }

    [Fact]
    public void Ignoring_429s_escalates_to_418_ban_that_doubles()
    {
        var limiter = Limiter(after429: 2);
        limiter.TryConsumeWeight("ip", 10, T0);
        Assert.Equal(429, limiter.TryConsumeWeight("ip", 1, T0)!.HttpStatus);
        Assert.Equal(429, limiter.TryConsumeWeight("ip", 1, T0 + 1)!.HttpStatus);
        var ban = limiter.TryConsumeWeight("ip", 1, T0 + 2)!;

        Assert.Equal(418, ban.HttpStatus);
        Assert.Equal(-1003, ban.Code);
        Assert.Equal(120, ban.RetryAfterSeconds);
        Assert.StartsWith("Way too much request weight used; IP banned until ", ban.Message, StringComparison.Ordinal);

        // Still banned in the next window, even for a cheap request; other IPs are unaffected.
        Assert.Equal(418, limiter.TryConsumeWeight("ip", 1, T0 + Minute)!.HttpStatus);
        Assert.Null(limiter.TryConsumeWeight("other", 1, T0));

        // After the ban the IP may send again; a second ban lasts twice as long.
        var afterBan = T0 + 2 + 120_000;
        Assert.Null(limiter.TryConsumeWeight("ip", 10, afterBan));
        limiter.TryConsumeWeight("ip", 1, afterBan);
        limiter.TryConsumeWeight("ip", 1, afterBan);
        Assert.Equal(240, limiter.TryConsumeWeight("ip", 1, afterBan)!.RetryAfterSeconds);
    }

    [Fact]
    public void Weight_window_resets_at_the_minute_boundary()
    {
        var limiter = Limiter();
        limiter.TryConsumeWeight("ip", 10, T0);
        Assert.Null(limiter.TryConsumeWeight("ip", 10, T0 + 20_000));
    }

    [Fact]
    public void Orders_are_counted_per_account_in_10s_and_day_windows()
    {
        var limiter = Limiter(orders10s: 3, ordersDay: 4);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.TryConsumeOrders("a", 1, T0));
        }

        var error = limiter.TryConsumeOrders("a", 1, T0);
        Assert.Equal(429, error!.HttpStatus);
        Assert.Equal(-1015, error.Code);
        Assert.Equal("Too many new orders; current limit is 3 orders per 10 SECOND.", error.Message);
        Assert.Null(limiter.TryConsumeOrders("b", 1, T0));

        Assert.Null(limiter.TryConsumeOrders("a", 1, T0 + 10_000));
        Assert.Equal([1, 4], limiter.OrderUsage("a", T0 + 10_000).Select(u => u.Count));
        Assert.Equal("Too many new orders; current limit is 4 orders per 1 DAY.", limiter.TryConsumeOrders("a", 1, T0 + 20_000)!.Message);
    }

    [Fact]
    public void Refund_gives_weight_back()
    {
        var limiter = Limiter();
        limiter.TryConsumeWeight("ip", 4, T0);
        limiter.RefundWeight("ip", 3, T0);
        Assert.Equal(1, limiter.WeightUsage("ip", T0).Single().Count);
    }

    [Fact]
    public void Connection_attempts_are_limited_per_ip()
    {
        var limiter = Limiter();
        Assert.Null(limiter.TryConnect("ip", T0));
        Assert.Null(limiter.TryConnect("ip", T0));
        var error = limiter.TryConnect("ip", T0);
        Assert.Equal(429, error!.HttpStatus);
        Assert.Equal(-1034, error.Code);
    }

    [Fact]
    public void Header_suffixes_match_binance()
    {
        Assert.Equal("1M", new RateLimitRule(RateLimitType.RequestWeight, RateLimitInterval.Minute, 1, 1).HeaderSuffix);
        Assert.Equal("10S", new RateLimitRule(RateLimitType.Orders, RateLimitInterval.Second, 10, 1).HeaderSuffix);
        Assert.Equal("1D", new RateLimitRule(RateLimitType.Orders, RateLimitInterval.Day, 1, 1).HeaderSuffix);
    }
}
