using System.Text.Json;
using Oms.Simulator.Engine;
using Xunit;
using static Oms.Simulator.Tests.Engine.Spot;

namespace Oms.Simulator.Tests.Engine;

/// <summary>Every spot filter, built from the Binance samples in ../shared, fails with its exact code and message.</summary>
public sealed class SpotFilterTests
{
    private static readonly string[] SampleFilters =
    [
        "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL", "PERCENT_PRICE_BY_SIDE", "ICEBERG_PARTS", "MAX_NUM_ORDERS",
        "MAX_NUM_ALGO_ORDERS", "MAX_NUM_ICEBERG_ORDERS", "MAX_POSITION", "TRAILING_DELTA",
    ];

    private static SimExchange WithFilters(SpotFilters filters, decimal btc = 5m)
    {
        var x = Exchange(out _, Instrument(100m, filters));
        Account(x, "a", btc: btc, usdt: 1_000_000m);
        return x;
    }

    private static SimExchange Sample(decimal btc = 5m) => WithFilters(SharedSamples.SpotFilters(SampleFilters), btc);

    private static void AssertFilter(SimExchange x, SpotOrderRequest request, string filter) =>
        Spot.AssertError(x.PlaceSpotOrder("a", request).Error, -1013, "Filter failure: " + filter);

    [Fact]
    public void Price_filter_checks_range_and_tick()
    {
        var x = Sample();
        AssertFilter(x, Limit(OrderSide.Buy, 1m, 100.0000005m), "PRICE_FILTER");
        AssertFilter(x, Limit(OrderSide.Sell, 1m, 100_001m), "PRICE_FILTER");
        AssertFilter(x, Limit(OrderSide.Buy, 1m, 0.0000005m), "PRICE_FILTER");
        Assert.True(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 99.000001m)).IsSuccess);
    }

    [Fact]
    public void Lot_size_checks_min_max_and_step()
    {
        var x = Sample();
        AssertFilter(x, Limit(OrderSide.Buy, 0.0005m, 100m), "LOT_SIZE");
        AssertFilter(x, Limit(OrderSide.Buy, 1.0005m, 100m), "LOT_SIZE");
        AssertFilter(x, Limit(OrderSide.Buy, 100_001m, 100m), "LOT_SIZE");
    }

    [Fact]
    public void Market_lot_size_applies_to_market_orders_only()
    {
        var x = WithFilters(SharedSamples.SpotFilters(SampleFilters) with { MarketLotSize = new LotSizeFilter(0.001m, 5m, 0.001m) }, btc: 0m);
        AssertFilter(x, Market(OrderSide.Buy, qty: 6m), "MARKET_LOT_SIZE");
        Assert.True(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 6m, 100m)).IsSuccess);
    }

    [Fact]
    public void Notional_checks_min_and_max_and_honours_apply_to_market()
    {
        var x = Sample();
        AssertFilter(x, Limit(OrderSide.Buy, 0.05m, 100m), "NOTIONAL");         // 5 < 10
        AssertFilter(x, Limit(OrderSide.Buy, 200m, 100m), "NOTIONAL");          // 20 000 > 10 000
        var market = x.PlaceSpotOrder("a", Market(OrderSide.Sell, qty: 0.05m)); // applyMinToMarket = false
        Assert.True(market.IsSuccess, market.Error?.ToString());
        Assert.Equal(OrderStatus.Expired, market.Value.Order.Status);             // empty book
    }

    [Fact]
    public void Min_notional_with_apply_to_market()
    {
        var x = WithFilters(new SpotFilters { MinNotional = new MinNotionalFilter(50m, true, 5) });
        AssertFilter(x, Limit(OrderSide.Buy, 0.4m, 100m), "MIN_NOTIONAL");
        AssertFilter(x, Market(OrderSide.Sell, qty: 0.4m), "MIN_NOTIONAL");
        Assert.True(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 0.5m, 100m)).IsSuccess);
    }

    [Fact]
    public void Percent_price_by_side_uses_the_bid_or_ask_multipliers()
    {
        var x = Sample();
        AssertFilter(x, Limit(OrderSide.Buy, 1m, 121m), "PERCENT_PRICE_BY_SIDE");  // > 100 * 1.2
        AssertFilter(x, Limit(OrderSide.Buy, 0.5m, 19m), "PERCENT_PRICE_BY_SIDE"); // < 100 * 0.2
        AssertFilter(x, Limit(OrderSide.Sell, 1m, 79m), "PERCENT_PRICE_BY_SIDE");  // < 100 * 0.8
        Assert.True(x.PlaceSpotOrder("a", Limit(OrderSide.Sell, 1m, 499m)).IsSuccess);
    }

    [Fact]
    public void Percent_price_uses_the_average_price()
    {
        var x = WithFilters(SharedSamples.SpotFilters("PERCENT_PRICE"));
        AssertFilter(x, Limit(OrderSide.Buy, 1m, 131m), "PERCENT_PRICE");
        AssertFilter(x, Limit(OrderSide.Sell, 1m, 69m), "PERCENT_PRICE");
    }

    [Fact]
    public void Iceberg_parts_and_max_num_iceberg_orders()
    {
        var x = Sample();
        AssertFilter(x, Limit(OrderSide.Buy, 1m, 100m) with { IcebergQty = 0.05m }, "ICEBERG_PARTS");
        for (var i = 0; i < 5; i++)
        {
            Assert.True(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 90m) with { IcebergQty = 0.2m }).IsSuccess);
        }

        AssertFilter(x, Limit(OrderSide.Buy, 1m, 90m) with { IcebergQty = 0.2m }, "MAX_NUM_ICEBERG_ORDERS");
    }

    [Fact]
    public void Max_num_orders_counts_open_orders_on_the_symbol()
    {
        var x = Sample();
        for (var i = 0; i < 25; i++)
        {
            Assert.True(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 0.2m, 60m)).IsSuccess);
        }

        AssertFilter(x, Limit(OrderSide.Buy, 0.2m, 60m), "MAX_NUM_ORDERS");
    }

    [Fact]
    public void Max_position_counts_balance_and_open_buys()
    {
        var x = Sample(btc: 9.5m);
        Assert.True(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 0.4m, 90m)).IsSuccess);
        AssertFilter(x, Limit(OrderSide.Buy, 0.2m, 90m), "MAX_POSITION");
    }

    [Fact]
    public void Parameter_errors_use_the_request_codes()
    {
        var x = Sample();
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m) with { TimeInForce = null }).Error, -1102,
            "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m) with { Price = null }).Error, -1102,
            "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
        Spot.AssertError(x.PlaceSpotOrder("a", Market(OrderSide.Buy, qty: 1m, quote: 100m)).Error, -1106, "Parameter 'quoteOrderQty' sent when not required.");
        Spot.AssertError(x.PlaceSpotOrder("a", Market(OrderSide.Buy)).Error, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m, TimeInForce.Ioc) with { IcebergQty = 0.5m }).Error, -1014, "Unsupported order combination.");
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m) with { IcebergQty = 1m }).Error, -2010, "IcebergQty exceeds QTY.");
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m) with { Symbol = "NOPE" }).Error, -1121, "Invalid symbol.");
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m, TimeInForce.Gtx)).Error, -1115, "Invalid timeInForce.");
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m) with { StopPrice = 90m }).Error, -1106, "Parameter 'stopPrice' sent when not required.");

        Assert.True(x.SetSymbolStatus(MarketKind.Spot, Symbol, SymbolStatus.Halt).IsSuccess);
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m)).Error, -2010, "Market is closed.");
        Assert.True(x.SetSymbolStatus(MarketKind.Spot, Symbol, SymbolStatus.Trading).IsSuccess);
        Assert.True(x.SetCanTrade("a", false).IsSuccess);
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 100m)).Error, -2010, "This account may not place or cancel orders.");
    }

    [Fact]
    public void Disabled_order_types_and_features_are_refused()
    {
        var x = Exchange(out _, Instrument() with
        {
            OrderTypes = [SpotOrderType.Limit, SpotOrderType.Market],
            IcebergAllowed = false,
            QuoteOrderQtyMarketAllowed = false,
            OcoAllowed = false,
        });
        Account(x, "a");
        Spot.AssertError(x.PlaceSpotOrder("a", new SpotOrderRequest { Symbol = Symbol, Side = OrderSide.Sell, Type = SpotOrderType.StopLoss, Quantity = 1m, StopPrice = 90m }).Error,
            -2010, "Stop loss orders are not supported for this symbol.");
        Spot.AssertError(x.PlaceSpotOrder("a", Limit(OrderSide.Buy, 1m, 90m) with { IcebergQty = 0.5m }).Error, -2010, "Iceberg orders are not supported for this symbol.");
        Spot.AssertError(x.PlaceSpotOrder("a", Market(OrderSide.Buy, quote: 50m)).Error, -2010, "Quote order qty market orders are not support for this symbol.");
    }

    [Theory]
    [InlineData("PRICE_FILTER")]
    [InlineData("LOT_SIZE")]
    [InlineData("MARKET_LOT_SIZE")]
    [InlineData("NOTIONAL")]
    [InlineData("MIN_NOTIONAL")]
    [InlineData("PERCENT_PRICE")]
    [InlineData("PERCENT_PRICE_BY_SIDE")]
    [InlineData("ICEBERG_PARTS")]
    [InlineData("MAX_NUM_ORDERS")]
    [InlineData("MAX_NUM_ALGO_ORDERS")]
    [InlineData("MAX_NUM_ICEBERG_ORDERS")]
    [InlineData("MAX_POSITION")]
    [InlineData("TRAILING_DELTA")]
    public void Exchange_info_renders_each_sample_filter_field_for_field(string name)
    {
        var filters = SharedSamples.SpotFilters(name);
        var rendered = SimExchange.SpotFilterList(filters).Single();
        using var sample = JsonDocument.Parse(File.ReadAllText(SharedSamples.PathOf($"spot-filters/{name}.json")));
        var expected = sample.RootElement.EnumerateObject().Where(p => p.Name != "filterType").ToArray();
        Assert.Equal(sample.RootElement.GetProperty("filterType").GetString(), rendered.FilterType);
        Assert.Equal(expected.Select(p => p.Name), rendered.Fields.Select(f => f.Name));
        foreach (var (property, field) in expected.Zip(rendered.Fields))
        {
            var kind = property.Value.ValueKind switch
            {
                JsonValueKind.String => FilterValueKind.String,
                JsonValueKind.Number => FilterValueKind.Number,
                _ => FilterValueKind.Boolean,
            };
            Assert.Equal(kind, field.Kind);
            Assert.Equal(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText(), field.Value);
        }
    }

    [Fact]
    public void Exchange_info_lists_symbols_with_permissions_and_order_types()
    {
        var x = Sample();
        var info = x.GetExchangeInfo(MarketKind.Spot);
        var symbol = Assert.Single(info.Symbols);
        Assert.Equal(("BTCUSDT", "BTC", "USDT", SymbolStatus.Trading), (symbol.Symbol, symbol.BaseAsset, symbol.QuoteAsset, symbol.Status));
        Assert.Contains("LIMIT_MAKER", symbol.OrderTypes);
        Assert.Contains("TAKE_PROFIT_LIMIT", symbol.OrderTypes);
        Assert.Equal(SampleFilters.Order(StringComparer.Ordinal), symbol.Filters.Select(f => f.FilterType).Order(StringComparer.Ordinal));
    }
}
