namespace Oms.Domain.Tests.Risk;

/// <summary>Instruments, books and requests for the risk engine tests (Binance-like filters).</summary>
internal static class RiskFixtures
{
    public static readonly AccountId Account = new("risk-1");
    public static readonly InstrumentId BtcSpot = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    public static readonly InstrumentId EthSpot = new(Venue.Binance, MarketType.Spot, "ETHUSDT");
    public static readonly InstrumentId BtcPerp = new(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT");
    public static readonly InstrumentId EthPerp = new(Venue.Binance, MarketType.UsdMFutures, "ETHUSDT");

    public static readonly InstrumentSpec BtcSpotSpec = new()
    {
        Id = BtcSpot,
        BaseAsset = "BTC",
        QuoteAsset = "USDT",
        TickSize = 0.01m,
        MinPrice = 0.01m,
        MaxPrice = 1_000_000m,
        StepSize = 0.00001m,
        MinQuantity = 0.00001m,
        MaxQuantity = 9000m,
        MinNotional = 5m,
    };

    public static readonly InstrumentSpec EthSpotSpec = BtcSpotSpec with { Id = EthSpot, BaseAsset = "ETH", StepSize = 0.0001m, MinQuantity = 0.0001m };

    public static readonly InstrumentSpec BtcPerpSpec = new()
    {
        Id = BtcPerp,
        BaseAsset = "BTC",
        QuoteAsset = "USDT",
        TickSize = 0.1m,
        MinPrice = 0.1m,
        MaxPrice = 1_000_000m,
        StepSize = 0.001m,
        MinQuantity = 0.001m,
        MaxQuantity = 1000m,
        MinNotional = 100m,
    };

    public static readonly InstrumentSpec EthPerpSpec = BtcPerpSpec with { Id = EthPerp, BaseAsset = "ETH", TickSize = 0.01m, MinPrice = 0.01m, StepSize = 0.001m, MinQuantity = 0.001m, MinNotional = 20m };

    public static InstrumentSpec Spec(InstrumentId id) =>
        id == BtcSpot ? BtcSpotSpec : id == EthSpot ? EthSpotSpec : id == BtcPerp ? BtcPerpSpec : id == EthPerp ? EthPerpSpec
        : throw new ArgumentOutOfRangeException(nameof(id), id, "not a fixture instrument");

    public static OrderSpec Limit(InstrumentId instrument, OrderSide side, decimal quantity, decimal price, bool reduceOnly = false,
        PositionSide positionSide = PositionSide.Both, string? tag = null) => new()
    {
        Instrument = instrument,
        Side = side,
        Type = OrderType.Limit,
        Quantity = quantity,
        LimitPrice = price,
        ReduceOnly = reduceOnly,
        PositionSide = positionSide,
        StrategyTag = tag,
    };

    public static OrderSpec Market(InstrumentId instrument, OrderSide side, decimal quantity, bool reduceOnly = false) => new()
    {
        Instrument = instrument,
        Side = side,
        Type = OrderType.Market,
        Quantity = quantity,
        ReduceOnly = reduceOnly,
    };

    /// <summary>A book line marked at <paramref name="mark"/> with the fixture instrument's contract size and quote.</summary>
    public static BookLine Line(InstrumentId instrument, decimal position, decimal mark, decimal openBuys = 0m, decimal openSells = 0m,
        PositionSide leg = PositionSide.Both) => new()
    {
        Instrument = instrument,
        Leg = leg,
        Position = position,
        OpenBuys = openBuys,
        OpenSells = openSells,
        MarkPrice = mark,
        ContractSize = Spec(instrument).ContractSize,
        QuoteAsset = Spec(instrument).QuoteAsset,
        QuoteRate = 1m,
    };

    public static PreTradeRequest Request(OrderSpec spec, RiskLimits? limits = null, decimal? reference = 60000m, RiskBook? book = null,
        BalanceView? balances = null, RiskLimits? firm = null, TradingState state = TradingState.Active, TradingState firmState = TradingState.Active,
        bool reduces = false, int open = 0, int recent = 0, PositionMode mode = PositionMode.OneWay) => new()
    {
        Account = Account,
        Venue = Venue.Binance,
        Markets = [MarketType.Spot, MarketType.UsdMFutures],
        PositionMode = mode,
        Spec = spec,
        Instrument = Spec(spec.Instrument),
        ReferencePrice = reference,
        Limits = limits ?? RiskLimits.None,
        FirmLimits = firm,
        TradingState = state,
        FirmTradingState = firmState,
        ReducesPosition = reduces,
        OpenOrderCount = open,
        OrdersInLastSecond = recent,
        Book = book,
        Balances = balances,
    };
}
