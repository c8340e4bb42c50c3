using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Operations;

namespace Oms.Simulator.Wire.Faults;

/// <summary>What a request fault does.</summary>
public enum FaultAction
{
    /// <summary>Answer after <see cref="FaultRule.DelayMs"/> (the request executes normally).</summary>
    Delay,

    /// <summary>Never answer. With <see cref="FaultRule.AfterExecution"/> the request still executes (lost response).</summary>
    BlackHole,

    /// <summary>Answer with <see cref="FaultRule.Status"/>/<see cref="FaultRule.Code"/>. With <see cref="FaultRule.AfterExecution"/> the request executes first (ambiguous outcome, e.g. 503 / -1007).</summary>
    Error,
}

/// <summary>One request fault, matched by venue, transport, target (REST path or WS API method) and account.</summary>
public sealed record FaultRule
{
    public string Id { get; init; } = Guid.NewGuid().ToString("N");

    public required FaultAction Action { get; init; }

    /// <summary>Only this venue (null = both).</summary>
    public MarketKind? Market { get; init; }

    /// <summary>REST path (<c>/api/v3/order</c>) or WS API method (<c>order.place</c>); a trailing <c>*</c> matches a prefix; null or <c>*</c> = every request.</summary>
    public string? Target { get; init; }

    /// <summary>REST verb (GET/POST/PUT/DELETE); null = any. Ignored for WS API requests.</summary>
    public string? HttpMethod { get; init; }

    /// <summary>Only requests authenticated as this account (null = any request).</summary>
    public string? AccountId { get; init; }

    public int DelayMs { get; init; }

    public int Status { get; init; } = 503;

    public int Code { get; init; } = -1007;

    public string? Message { get; init; }

    /// <summary>Execute the request before applying the fault (BlackHole, Error).</summary>
    public bool AfterExecution { get; init; } = true;

    /// <summary>How many more requests this rule applies to (null = until cleared).</summary>
    public int? Times { get; init; }

    /// <summary>The error this rule answers with.</summary>
    public ApiError ToError() => new(Status, Code, Message ?? DefaultMessage(Code));

    private static string DefaultMessage(int code) => code switch
    {
        -1007 => ApiErrors.BackendTimeout().Message,
        -1001 => ApiErrors.Disconnected().Message,
        -1000 => "An unknown error occurred while processing the request.",
        -1008 => "Server is currently overloaded with other requests. Please try again in a few minutes.",
        _ => "Simulated failure.",
    };
}

/// <summary>The active request faults. Thread-safe; rules with <see cref="FaultRule.Times"/> are consumed as they fire.</summary>
public sealed class FaultInjector
{
    private readonly List<(FaultRule Rule, int? Remaining)> rules = [];

    public FaultRule Add(FaultRule rule)
    {
        lock (rules)
        {
            rules.Add((rule, rule.Times));
        }

        return rule;
    }

    public bool Remove(string id)
    {
        lock (rules)
        {
            return rules.RemoveAll(r => r.Rule.Id == id) > 0;
        }
    }

    public void Clear()
    {
        lock (rules)
        {
            rules.Clear();
        }
    }

    public IReadOnlyList<FaultRule> Snapshot()
    {
        lock (rules)
        {
            return rules.Select(r => r.Rule with { Times = r.Remaining }).ToList();
        }
    }

    /// <summary>
    /// Finds (and consumes one use of) the first rule for this request. <paramref name="beforeExecution"/> selects
    /// rules that act instead of executing (Error/BlackHole with AfterExecution=false) or after it (the rest).
    /// </summary>
    public FaultRule? Match(MarketKind market, Transport transport, string httpMethod, string target, string? accountId, bool beforeExecution)
    {
        lock (rules)
        {
            for (var i = 0; i < rules.Count; i++)
            {
                var (rule, remaining) = rules[i];
                var actsBefore = rule.Action != FaultAction.Delay && !rule.AfterExecution;
                if (actsBefore != beforeExecution || !Matches(rule, market, transport, httpMethod, target, accountId))
                {
                    continue;
                }

                if (remaining is { } left)
                {
                    if (left <= 1)
                    {
                        rules.RemoveAt(i);
                    }
                    else
                    {
                        rules[i] = (rule, left - 1);
                    }
                }

                return rule;
            }

            return null;
        }
    }

    private static bool Matches(FaultRule rule, MarketKind market, Transport transport, string httpMethod, string target, string? accountId)
    {
        if (rule.Market is { } m && m != market)
        {
            return false;
        }

        if (rule.AccountId is not null && !string.Equals(rule.AccountId, accountId, StringComparison.Ordinal))
        {
            return false;
        }

        if (transport == Transport.Rest && rule.HttpMethod is not null && !string.Equals(rule.HttpMethod, httpMethod, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (rule.Target is null or "*")
        {
            return true;
        }

        return rule.Target.EndsWith('*')
            ? target.StartsWith(rule.Target[..^1], StringComparison.Ordinal)
            : string.Equals(rule.Target, target, StringComparison.Ordinal);
    }
}
