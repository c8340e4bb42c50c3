using System.Collections.Concurrent;

namespace Oms.Simulator.Wire.RateLimits;

/// <summary>Limits of one venue scope (spot or USDⓈ-M); every field configurable so tests can lower them.</summary>
public sealed class RateLimitSettings
{
    /// <summary>REQUEST_WEIGHT rules, metered per IP.</summary>
    public IReadOnlyList<RateLimitRule> WeightRules { get; init; } = [];

    /// <summary>ORDERS rules, metered per account.</summary>
    public IReadOnlyList<RateLimitRule> OrderRules { get; init; } = [];

    /// <summary>WS connection attempts per IP (Binance: 300 per 5 minutes).</summary>
    public RateLimitRule ConnectionAttempts { get; init; } = new(RateLimitType.RawRequests, RateLimitInterval.Minute, 5, 300);

    /// <summary>How many requests an IP may send after its first 429 in a window before it is banned (418).</summary>
    public int RequestsAfter429BeforeBan { get; init; } = 10;

    /// <summary>First ban length; each further ban doubles it up to <see cref="MaxBan"/> (Binance: 2 minutes to 3 days).</summary>
    public TimeSpan InitialBan { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan MaxBan { get; init; } = TimeSpan.FromDays(3);
}

/// <summary>
/// Meters one venue scope the way Binance does: request weight per IP in fixed windows aligned to the
/// epoch, order counts per account, 429 with <c>Retry-After</c> when a limit is hit, and an escalating 418
/// IP ban for clients that keep sending after a 429. Thread-safe.
/// </summary>
public sealed class VenueRateLimiter
{
    private readonly ConcurrentDictionary<string, IpState> ips = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter[]> accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> connectionAttempts = new(StringComparer.Ordinal);

    public VenueRateLimiter(RateLimitSettings settings)
    {
        Settings = settings;
    }

    public RateLimitSettings Settings { get; private set; }

    /// <summary>Replaces the limits (admin API); counters restart.</summary>
    public void Reconfigure(RateLimitSettings settings)
    {
        Settings = settings;
        Reset();
    }

    /// <summary>Forgets all usage, violations and bans.</summary>
    public void Reset()
    {
        ips.Clear();
        accounts.Clear();
        connectionAttempts.Clear();
    }

    /// <summary>
    /// Charges <paramref name="weight"/> to <paramref name="ip"/>. Returns the error to send when the IP is
    /// banned or over its limit (the weight is then not charged), otherwise null.
    /// </summary>
    public ApiError? TryConsumeWeight(string ip, int weight, long nowMs)
    {
        var state = ips.GetOrAdd(ip, _ => new IpState(Settings.WeightRules));
        lock (state)
        {
            if (state.BannedUntilMs > nowMs)
            {
                return ApiErrors.IpBanned(state.BannedUntilMs, SecondsUntil(state.BannedUntilMs, nowMs));
            }

            for (var i = 0; i < state.Counters.Length; i++)
            {
                var counter = state.Counters[i];
                counter.Roll(nowMs);
                if (counter.Count + weight > counter.Rule.Limit)
                {
                    if (state.ViolationWindowStart != counter.WindowStart)
                    {
                        state.ViolationWindowStart = counter.WindowStart;
                        state.RequestsAfter429 = 0;
                    }
                    else
                    {
                        state.RequestsAfter429++;
                    }

                    if (state.RequestsAfter429 >= Settings.RequestsAfter429BeforeBan)
                    {
                        var ban = NextBan(state);
                        state.BannedUntilMs = nowMs + (long)ban.TotalMilliseconds;
                        state.RequestsAfter429 = 0;
                        return ApiErrors.IpBanned(state.BannedUntilMs, SecondsUntil(state.BannedUntilMs, nowMs));
                    }

                    var windowEnd = counter.WindowStart + counter.Rule.WindowMs;
                    return ApiErrors.TooManyRequestWeight(counter.Rule.Limit, counter.Rule.IntervalText, SecondsUntil(windowEnd, nowMs), windowEnd);
                }
            }

            foreach (var counter in state.Counters)
            {
                counter.Count += weight;
            }

            return null;
        }
    }

    /// <summary>Gives weight back (spot: successful order placement costs 0 since 2026-04-02).</summary>
    public void RefundWeight(string ip, int weight, long nowMs)
    {
        if (!ips.TryGetValue(ip, out var state))
        {
            return;
        }

        lock (state)
        {
            foreach (var counter in state.Counters)
            {
                counter.Roll(nowMs);
                counter.Count = Math.Max(0, counter.Count - weight);
            }
        }
    }

    /// <summary>Current weight usage of <paramref name="ip"/> per rule.</summary>
    public IReadOnlyList<RateLimitUsage> WeightUsage(string ip, long nowMs)
    {
        var state = ips.GetOrAdd(ip, _ => new IpState(Settings.WeightRules));
        lock (state)
        {
            var result = new RateLimitUsage[state.Counters.Length];
            for (var i = 0; i < state.Counters.Length; i++)
            {
                state.Counters[i].Roll(nowMs);
                result[i] = new RateLimitUsage(state.Counters[i].Rule, state.Counters[i].Count);
            }

            return result;
        }
    }

    /// <summary>
    /// Counts <paramref name="orders"/> new orders for <paramref name="accountId"/>. Returns <c>-1015</c> (429)
    /// when any order rule would be exceeded (nothing is counted then), otherwise null.
    /// </summary>
    public ApiError? TryConsumeOrders(string accountId, int orders, long nowMs)
    {
        var counters = accounts.GetOrAdd(accountId, _ => Settings.OrderRules.Select(r => new Counter(r)).ToArray());
        lock (counters)
        {
            foreach (var counter in counters)
            {
                counter.Roll(nowMs);
                if (counter.Count + orders > counter.Rule.Limit)
                {
                    var windowEnd = counter.WindowStart + counter.Rule.WindowMs;
                    return ApiErrors.TooManyOrders(counter.Rule.Limit, counter.Rule.IntervalText, SecondsUntil(windowEnd, nowMs), windowEnd);
                }
            }

            foreach (var counter in counters)
            {
                counter.Count += orders;
            }

            return null;
        }
    }

    /// <summary>Current order counts of <paramref name="accountId"/> per rule.</summary>
    public IReadOnlyList<RateLimitUsage> OrderUsage(string accountId, long nowMs)
    {
        var counters = accounts.GetOrAdd(accountId, _ => Settings.OrderRules.Select(r => new Counter(r)).ToArray());
        lock (counters)
        {
            var result = new RateLimitUsage[counters.Length];
            for (var i = 0; i < counters.Length; i++)
            {
                counters[i].Roll(nowMs);
                result[i] = new RateLimitUsage(counters[i].Rule, counters[i].Count);
            }

            return result;
        }
    }

    /// <summary>Counts one WebSocket connection attempt from <paramref name="ip"/>; returns the error when over the limit.</summary>
    public ApiError? TryConnect(string ip, long nowMs)
    {
        var state = ips.GetOrAdd(ip, _ => new IpState(Settings.WeightRules));
        lock (state)
        {
            if (state.BannedUntilMs > nowMs)
            {
                return ApiErrors.IpBanned(state.BannedUntilMs, SecondsUntil(state.BannedUntilMs, nowMs));
            }
        }

        var counter = connectionAttempts.GetOrAdd(ip, _ => new Counter(Settings.ConnectionAttempts));
        lock (counter)
        {
            counter.Roll(nowMs);
            if (counter.Count + 1 > counter.Rule.Limit)
            {
                var windowEnd = counter.WindowStart + counter.Rule.WindowMs;
                return ApiErrors.TooManyConnectionAttempts(counter.Rule.Limit, counter.Rule.IntervalText, SecondsUntil(windowEnd, nowMs), windowEnd);
            }

            counter.Count++;
            return null;
        }
    }

    /// <summary>Lifts a ban on <paramref name="ip"/> (admin API).</summary>
    public void Unban(string ip)
    {
        if (ips.TryGetValue(ip, out var state))
        {
            lock (state)
            {
                state.BannedUntilMs = 0;
                state.RequestsAfter429 = 0;
            }
        }
    }

    private TimeSpan NextBan(IpState state)
    {
        var ban = Settings.InitialBan;
        for (var i = 0; i < state.BanCount && ban < Settings.MaxBan; i++)
        {
            ban *= 2;
        }

        state.BanCount++;
        return ban > Settings.MaxBan ? Settings.MaxBan : ban;
    }

    private static int SecondsUntil(long untilMs, long nowMs) => (int)Math.Max(1, (untilMs - nowMs + 999) / 1000);

    private sealed class IpState(IReadOnlyList<RateLimitRule> rules)
    {
        public Counter[] Counters { get; } = rules.Select(r => new Counter(r)).ToArray();

        public long BannedUntilMs { get; set; }

        public int BanCount { get; set; }

        public long ViolationWindowStart { get; set; } = -1;

        public int RequestsAfter429 { get; set; }
    }

    private sealed class Counter(RateLimitRule rule)
    {
        public RateLimitRule Rule { get; } = rule;

        public long WindowStart { get; private set; } = -1;

        public int Count { get; set; }

        public void Roll(long nowMs)
        {
            var start = nowMs - (nowMs % Rule.WindowMs);
            if (start != WindowStart)
            {
                WindowStart = start;
                Count = 0;
            }
        }
    }
}
