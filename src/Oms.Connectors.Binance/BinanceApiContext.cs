using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Oms.Connectors.Binance.Diagnostics;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance;

/// <summary>
/// What every client of one API family shares inside a silo: settings, the rate budget, the server clock, the symbol
/// mapper, metrics, time and logging. Create one per API family (spot, USD-M) and hand it to the clients of every account.
/// </summary>
public sealed class BinanceApiContext
{
    public BinanceApiContext(BinanceApi api, BinanceOptions options, IRateBudget budget, BinanceMetrics metrics,
        TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException($"invalid Binance options: {string.Join("; ", problems)}", nameof(options));
        Api = api;
        Options = options;
        Budget = budget;
        Metrics = metrics;
        Time = time ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Clock = new BinanceServerClock(Time, options.TimeSyncInterval);
        Symbols = new BinanceSymbolMapper(api);
        IpScopes = new BinanceRateScopes(api, options.IpScope, account: null);
    }

    public BinanceApi Api { get; }
    public BinanceOptions Options { get; }
    public IRateBudget Budget { get; }
    public BinanceMetrics Metrics { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory LoggerFactory { get; }
    public BinanceServerClock Clock { get; }
    public BinanceSymbolMapper Symbols { get; }

    /// <summary>The IP-wide scopes (no account).</summary>
    public BinanceRateScopes IpScopes { get; }

    /// <summary>"spot" or "USD-M", for messages.</summary>
    public string ApiName => Api == BinanceApi.Spot ? "spot" : "USD-M";

    /// <summary>The scopes of one account on this API.</summary>
    public BinanceRateScopes ScopesFor(string? account) => new(Api, Options.IpScope, account);

    /// <summary>Creates a budget with the documented default limits of <paramref name="api"/> and the reserve and cap from <paramref name="options"/>.</summary>
    public static LocalRateBudget CreateLocalBudget(BinanceApi api, BinanceOptions options, TimeProvider? time = null) =>
        new(time ?? TimeProvider.System, new RateBudgetSettings
        {
            PriorityReserveFraction = options.PriorityReserveFraction,
            UtilizationCap = options.UtilizationCap,
            DefaultLimits = api == BinanceApi.Spot ? RateBudgetSettings.SpotDefaults : RateBudgetSettings.UsdMDefaults,
        });
}
