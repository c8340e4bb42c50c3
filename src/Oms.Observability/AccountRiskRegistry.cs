using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Oms.Observability;

/// <summary>
/// Per-account risk figures reported by the gauges <see cref="OmsTelemetry.Names.AccountDrawdown"/> and
/// <see cref="OmsTelemetry.Names.AccountMarginRatio"/>. The risk code sets a value whenever it recomputes one (last
/// value wins) and removes the account when its grain deactivates, so a silo only reports the accounts it hosts.
/// </summary>
public sealed class AccountRiskRegistry
{
    private readonly ConcurrentDictionary<string, double> _drawdowns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Account, string Market), double> _marginRatios = new();

    /// <summary>Sets the account's drawdown from its equity peak as a fraction (0.05 = 5 %).</summary>
    public void SetDrawdown(string account, double fraction)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        if (!double.IsFinite(fraction)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be a finite number");
        _drawdowns[account] = fraction;
    }

    /// <summary>Sets the account's margin ratio on a market (maintenance margin over margin balance; 1 = liquidation).</summary>
    public void SetMarginRatio(string account, string market, double ratio)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        ArgumentException.ThrowIfNullOrWhiteSpace(market);
        if (!double.IsFinite(ratio)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "must be a finite number");
        _marginRatios[(account, market)] = ratio;
    }

    /// <summary>Stops reporting the account (its grain left this silo).</summary>
    public void Remove(string account)
    {
        _drawdowns.TryRemove(account, out _);
        foreach (var key in _marginRatios.Keys)
        {
            if (string.Equals(key.Account, account, StringComparison.Ordinal)) _marginRatios.TryRemove(key, out _);
        }
    }

    internal List<Measurement<double>> ObserveDrawdowns()
    {
        var measurements = new List<Measurement<double>>(_drawdowns.Count);
        foreach (var (account, value) in _drawdowns)
        {
            measurements.Add(new Measurement<double>(value, new TagList { { OmsTelemetry.Tags.Account, account } }));
        }
        return measurements;
    }

    internal List<Measurement<double>> ObserveMarginRatios()
    {
        var measurements = new List<Measurement<double>>(_marginRatios.Count);
        foreach (var ((account, market), value) in _marginRatios)
        {
            measurements.Add(new Measurement<double>(value, new TagList
            {
                { OmsTelemetry.Tags.Account, account },
                { OmsTelemetry.Tags.Market, market },
            }));
        }
        return measurements;
    }
}
