using System.ComponentModel.DataAnnotations;

namespace Oms.Silo.Venues;

/// <summary>One instrument's filters as configured under <c>Oms:Instruments</c> (the venue's exchange-info values).</summary>
public sealed class InstrumentOptions
{
    /// <summary>VENUE:MARKET:SYMBOL, e.g. <c>BINANCE:SPOT:BTCUSDT</c> or <c>BINANCE:USDM:BTCUSDT</c>.</summary>
    [Required]
    public string Id { get; set; } = string.Empty;

    [Required]
    public string BaseAsset { get; set; } = string.Empty;

    [Required]
    public string QuoteAsset { get; set; } = string.Empty;

    public decimal TickSize { get; set; }
    public decimal MinPrice { get; set; }
    public decimal MaxPrice { get; set; }
    public decimal StepSize { get; set; }
    public decimal MinQuantity { get; set; }
    public decimal MaxQuantity { get; set; }
    public decimal MarketStepSize { get; set; }
    public decimal MarketMinQuantity { get; set; }
    public decimal MarketMaxQuantity { get; set; }
    public decimal MinNotional { get; set; }
    public decimal MaxNotional { get; set; }
    public bool ApplyMinNotionalToMarket { get; set; } = true;
    public decimal ContractSize { get; set; } = 1m;

    /// <summary>Checks the values and builds the domain spec; problems are reported with <paramref name="key"/>.</summary>
    public InstrumentSpec ToSpec(string key, List<string> failures)
    {
        if (!InstrumentId.TryParse(Id, out var id))
        {
            failures.Add($"{key}:Id '{Id}' is not VENUE:MARKET:SYMBOL (e.g. BINANCE:SPOT:BTCUSDT)");
            return null!;
        }
        if (string.IsNullOrWhiteSpace(BaseAsset)) failures.Add($"{key}:BaseAsset is required");
        if (string.IsNullOrWhiteSpace(QuoteAsset)) failures.Add($"{key}:QuoteAsset is required");
        foreach (var (name, value) in new[]
                 {
                     (nameof(TickSize), TickSize), (nameof(MinPrice), MinPrice), (nameof(MaxPrice), MaxPrice), (nameof(StepSize), StepSize),
                     (nameof(MinQuantity), MinQuantity), (nameof(MaxQuantity), MaxQuantity), (nameof(MarketStepSize), MarketStepSize),
                     (nameof(MarketMinQuantity), MarketMinQuantity), (nameof(MarketMaxQuantity), MarketMaxQuantity),
                     (nameof(MinNotional), MinNotional), (nameof(MaxNotional), MaxNotional),
                 })
        {
            if (value < 0m) failures.Add($"{key}:{name} must not be negative (was {value})");
        }
        if (MaxPrice > 0m && MinPrice > MaxPrice) failures.Add($"{key}: MinPrice {MinPrice} is above MaxPrice {MaxPrice}");
        if (MaxQuantity > 0m && MinQuantity > MaxQuantity) failures.Add($"{key}: MinQuantity {MinQuantity} is above MaxQuantity {MaxQuantity}");
        if (MaxNotional > 0m && MinNotional > MaxNotional) failures.Add($"{key}: MinNotional {MinNotional} is above MaxNotional {MaxNotional}");
        if (ContractSize <= 0m) failures.Add($"{key}:ContractSize must be positive (was {ContractSize})");
        return new InstrumentSpec
        {
            Id = id,
            BaseAsset = BaseAsset.ToUpperInvariant(),
            QuoteAsset = QuoteAsset.ToUpperInvariant(),
            TickSize = TickSize,
            MinPrice = MinPrice,
            MaxPrice = MaxPrice,
            StepSize = StepSize,
            MinQuantity = MinQuantity,
            MaxQuantity = MaxQuantity,
            MarketStepSize = MarketStepSize,
            MarketMinQuantity = MarketMinQuantity,
            MarketMaxQuantity = MarketMaxQuantity,
            MinNotional = MinNotional,
            MaxNotional = MaxNotional,
            ApplyMinNotionalToMarket = ApplyMinNotionalToMarket,
            ContractSize = ContractSize,
        };
    }
}
