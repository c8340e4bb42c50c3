using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Oms.Observability;

/// <summary>
/// Per-account risk figures reported by the gauges <see cref="OmsTelemetry.Names.AccountDrawdown"/>,
/// <see cref="OmsTelemetry.Names.AccountMarginRatio"/>, <see cref="OmsTelemetry.Names.AccountEquity"/>,
/// <see cref="OmsTelemetry.Names.AccountEquityHighWaterMark"/>, <see cref="OmsTelemetry.Names.AccountExposureGross"/>,
/// <see cref="OmsTelemetry.Names.AccountExposureNet"/> and <see cref="OmsTelemetry.Names.AccountTradingState"/>. The risk
/// code sets a value whenever it recomputes one (last value wins) and removes the account when its grain deactivates,
/// so a silo only reports the accounts it hosts. Two owners feed it: the equity watch (equity, high-water mark,
/// drawdown; <see cref="RemoveEquity"/>) and the account itself (exposure, trading state; <see cref="RemoveExposure"/>).
/// </summary>
public sealed class AccountRiskRegistry
{
    private readonly ConcurrentDictionary<string, double> _drawdowns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Account, string Market), double> _marginRatios = new();
    private readonly ConcurrentDictionary<string, double> _equity = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _highWaterMarks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _grossExposure = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _netExposure = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _tradingStates = new(StringComparer.Ordinal);

    /// <summary>
    /// Sets the account's equity and high-water mark (valuation asset) and its drawdown from the mark as a fraction
    /// (0.05 = 5 %), as the equity watch last observed them.
    /// </summary>
    public void SetEquity(string account, double equity, double highWaterMark, double drawdownFraction)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        Finite(equity, nameof(equity));
        Finite(highWaterMark, nameof(highWaterMark));
        Finite(drawdownFraction, nameof(drawdownFraction));
        _equity[account] = equity;
        _highWaterMarks[account] = highWaterMark;
        _drawdowns[account] = drawdownFraction;
    }

    /// <summary>Sets the account's worst-case gross and net exposure (valuation asset), as the exposure limits measure it.</summary>
    public void SetExposure(string account, double gross, double net)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        Finite(gross, nameof(gross));
        Finite(net, nameof(net));
        _grossExposure[account] = gross;
        _netExposure[account] = net;
    }

    /// <summary>Sets the account's trading state as its enum value (1 Active, 2 Reducing, 3 Halted).</summary>
    public void SetTradingState(string account, int state)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        _tradingStates[account] = state;
    }

    /// <summary>Stops reporting the account's equity, high-water mark and drawdown (its equity watch left this silo or stopped).</summary>
    public void RemoveEquity(string account)
    {
        _equity.TryRemove(account, out _);
        _highWaterMarks.TryRemove(account, out _);
        _drawdowns.TryRemove(account, out _);
    }

    /// <summary>Stops reporting the account's exposure and trading state (its account grain left this silo).</summary>
    public void RemoveExposure(string account)
    {
        _grossExposure.TryRemove(account, out _);
        _netExposure.TryRemove(account, out _);
        _tradingStates.TryRemove(account, out _);
    }

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

    /// <summary>Stops reporting every figure of the account (its grains left this silo).</summary>
    public void Remove(string account)
    {
        RemoveEquity(account);
        RemoveExposure(account);
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

    internal List<Measurement<double>> ObserveEquity() => ByAccount(_equity);

    internal List<Measurement<double>> ObserveHighWaterMarks() => ByAccount(_highWaterMarks);

    internal List<Measurement<double>> ObserveGrossExposure() => ByAccount(_grossExposure);

    internal List<Measurement<double>> ObserveNetExposure() => ByAccount(_netExposure);

    internal List<Measurement<long>> ObserveTradingStates()
    {
        var measurements = new List<Measurement<long>>(_tradingStates.Count);
        foreach (var (account, value) in _tradingStates)
        {
            measurements.Add(new Measurement<long>(value, new TagList { { OmsTelemetry.Tags.Account, account } }));
        }
        return measurements;
    }

    private static List<Measurement<double>> ByAccount(ConcurrentDictionary<string, double> values)
    {
        var measurements = new List<Measurement<double>>(values.Count);
        foreach (var (account, value) in values)
        {
            measurements.Add(new Measurement<double>(value, new TagList { { OmsTelemetry.Tags.Account, account } }));
        }
        return measurements;
    }

    private static void Finite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, "must be a finite number");
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
