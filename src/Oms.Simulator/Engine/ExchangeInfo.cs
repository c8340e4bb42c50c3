namespace Oms.Simulator.Engine;

/// <summary>One field of an exchangeInfo filter: wire name, wire text, and how to render it in JSON.</summary>
public sealed record ExchangeFilterField(string Name, string Value, FilterValueKind Kind);

/// <summary>One exchangeInfo filter object (<c>filterType</c> plus fields in Binance order).</summary>
public sealed record ExchangeFilter(string FilterType, IReadOnlyList<ExchangeFilterField> Fields);

/// <summary>One symbol of exchangeInfo. Spot-only and futures-only members are null on the other market.</summary>
public sealed record ExchangeSymbolInfo
{
    public required string Symbol { get; init; }
    public required SymbolStatus Status { get; init; }
    public required string BaseAsset { get; init; }
    public required string QuoteAsset { get; init; }
    public int BaseAssetPrecision { get; init; }
    public int QuotePrecision { get; init; }
    /// <summary>Wire names, e.g. "LIMIT", "STOP_MARKET".</summary>
    public required IReadOnlyList<string> OrderTypes { get; init; }
    public required IReadOnlyList<ExchangeFilter> Filters { get; init; }

    // spot
    public int? QuoteAssetPrecision { get; init; }
    public int? BaseCommissionPrecision { get; init; }
    public int? QuoteCommissionPrecision { get; init; }
    public bool? IcebergAllowed { get; init; }
    public bool? OcoAllowed { get; init; }
    public bool? QuoteOrderQtyMarketAllowed { get; init; }
    public bool? AllowTrailingStop { get; init; }
    public bool? CancelReplaceAllowed { get; init; }
    public bool? AmendAllowed { get; init; }
    public SelfTradePreventionMode? DefaultSelfTradePreventionMode { get; init; }
    public IReadOnlyList<SelfTradePreventionMode>? AllowedSelfTradePreventionModes { get; init; }

    // futures
    public string? Pair { get; init; }
    public string? ContractType { get; init; }
    public string? MarginAsset { get; init; }
    public long? DeliveryDate { get; init; }
    public long? OnboardDate { get; init; }
    public int? PricePrecision { get; init; }
    public int? QuantityPrecision { get; init; }
    public string? MaintMarginPercent { get; init; }
    public string? RequiredMarginPercent { get; init; }
    public string? TriggerProtect { get; init; }
    public string? LiquidationFee { get; init; }
    public string? MarketTakeBound { get; init; }
    /// <summary>Futures "timeInForce" list, wire names.</summary>
    public IReadOnlyList<string>? TimeInForce { get; init; }
}

/// <summary>The engine's part of exchangeInfo (rate limits and exchange filters are the wire layer's).</summary>
public sealed record ExchangeInfo(MarketKind Market, long ServerTime, IReadOnlyList<ExchangeSymbolInfo> Symbols);
