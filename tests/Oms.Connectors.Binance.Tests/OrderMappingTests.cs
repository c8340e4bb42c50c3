using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Tests;

public sealed class OrderMappingTests
{
    private static readonly InstrumentId BtcUsdt = new(Venue.Binance, MarketType.Spot, "BTCUSDT");
    private static readonly ClientOrderId Id = new("oms-1");

    private static OrderSpec Spec(OrderType type, decimal quantity = 0.0100m, decimal? limit = null, decimal? stop = null,
        TimeInForce tif = TimeInForce.Gtc, OrderSide side = OrderSide.Buy) => new()
    {
        Instrument = BtcUsdt,
        Side = side,
        Type = type,
        Quantity = quantity,
        LimitPrice = limit,
        StopPrice = stop,
        TimeInForce = tif,
    };

    private static string Map(OrderSpec spec, SpotOrderResponseType response = SpotOrderResponseType.Full)
    {
        var error = SpotRequests.TryBuildNewOrder("BTCUSDT", spec, Id, response, out var parameters);
        Assert.Null(error);
        return RestRequestWriter.BuildQuery(parameters, signer: null);
    }

    private static string MapError(OrderSpec spec)
    {
        var error = SpotRequests.TryBuildNewOrder("BTCUSDT", spec, Id, SpotOrderResponseType.Full, out _);
        Assert.NotNull(error);
        return error;
    }

    [Fact]
    public void Limit_order_maps_with_time_in_force_and_trimmed_decimals()
    {
        Assert.Equal("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=52000&newClientOrderId=oms-1&newOrderRespType=FULL",
            Map(Spec(OrderType.Limit, limit: 52000.00m)));
    }

    [Theory]
    [InlineData(OrderType.Market, null, null, "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.01&newClientOrderId=oms-1&newOrderRespType=RESULT")]
    [InlineData(OrderType.LimitMaker, "100.5", null, "symbol=BTCUSDT&side=SELL&type=LIMIT_MAKER&quantity=0.01&price=100.5&newClientOrderId=oms-1&newOrderRespType=RESULT")]
    [InlineData(OrderType.StopMarket, null, "90", "symbol=BTCUSDT&side=SELL&type=STOP_LOSS&quantity=0.01&stopPrice=90&newClientOrderId=oms-1&newOrderRespType=RESULT")]
    [InlineData(OrderType.StopLimit, "89.5", "90", "symbol=BTCUSDT&side=SELL&type=STOP_LOSS_LIMIT&timeInForce=GTC&quantity=0.01&price=89.5&stopPrice=90&newClientOrderId=oms-1&newOrderRespType=RESULT")]
    [InlineData(OrderType.TakeProfitMarket, null, "110", "symbol=BTCUSDT&side=SELL&type=TAKE_PROFIT&quantity=0.01&stopPrice=110&newClientOrderId=oms-1&newOrderRespType=RESULT")]
    [InlineData(OrderType.TakeProfitLimit, "110.5", "110", "symbol=BTCUSDT&side=SELL&type=TAKE_PROFIT_LIMIT&timeInForce=GTC&quantity=0.01&price=110.5&stopPrice=110&newClientOrderId=oms-1&newOrderRespType=RESULT")]
    public void Every_spot_order_type_maps(OrderType type, string? limit, string? stop, string expected)
    {
        static decimal? D(string? s) => s is null ? null : decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, Map(Spec(type, limit: D(limit), stop: D(stop), side: OrderSide.Sell), SpotOrderResponseType.Result));
    }

    [Fact]
    public void Trailing_stop_maps_to_stop_loss_with_trailing_delta_in_bips_and_activation_as_stop_price()
    {
        var spec = Spec(OrderType.TrailingStopMarket, side: OrderSide.Sell) with { TrailingPercent = 1.5m, ActivationPrice = 95000m };

        Assert.Equal("symbol=BTCUSDT&side=SELL&type=STOP_LOSS&quantity=0.01&stopPrice=95000&trailingDelta=150&newClientOrderId=oms-1&newOrderRespType=ACK",
            Map(spec, SpotOrderResponseType.Ack));
    }

    [Fact]
    public void Trailing_percent_finer_than_one_bips_is_refused()
    {
        Assert.Contains("BIPS", MapError(Spec(OrderType.TrailingStopMarket) with { TrailingPercent = 0.015m }), StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_quantity_market_order_sends_quote_order_qty_only()
    {
        var spec = Spec(OrderType.Market, quantity: 0m) with { QuoteQuantity = 25.50m };

        Assert.Equal("symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=25.5&newClientOrderId=oms-1&newOrderRespType=FULL", Map(spec));
    }

    [Fact]
    public void Iceberg_limit_sends_iceberg_qty()
    {
        var spec = Spec(OrderType.Limit, quantity: 1m, limit: 10m) with { DisplayQuantity = 0.1m };

        Assert.EndsWith("&price=10&icebergQty=0.1&newClientOrderId=oms-1&newOrderRespType=FULL", Map(spec), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TimeInForce.Ioc, "IOC")]
    [InlineData(TimeInForce.Fok, "FOK")]
    public void Time_in_force_maps(TimeInForce tif, string wire)
    {
        Assert.Contains($"timeInForce={wire}", Map(Spec(OrderType.Limit, limit: 1m, tif: tif)), StringComparison.Ordinal);
    }

    [Fact]
    public void Things_spot_cannot_express_are_refused_with_a_reason()
    {
        Assert.Contains("GTX", MapError(Spec(OrderType.Limit, limit: 1m, tif: TimeInForce.Gtx)), StringComparison.Ordinal);
        Assert.Contains("reduce-only", MapError(Spec(OrderType.Limit, limit: 1m) with { ReduceOnly = true }), StringComparison.Ordinal);
        Assert.Contains("trigger price", MapError(Spec(OrderType.StopMarket, stop: 1m) with { TriggerPriceType = TriggerPriceType.MarkPrice }), StringComparison.Ordinal);
        Assert.Contains("limit price", MapError(Spec(OrderType.Limit)), StringComparison.Ordinal);
        Assert.Contains("stop price", MapError(Spec(OrderType.StopLimit, limit: 1m)), StringComparison.Ordinal);
        Assert.Contains("time in force", MapError(Spec(OrderType.StopMarket, stop: 1m, tif: TimeInForce.Ioc)), StringComparison.Ordinal);
        var futures = Spec(OrderType.Limit, limit: 1m) with { Instrument = new InstrumentId(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT") };
        Assert.Contains("not a spot instrument", MapError(futures), StringComparison.Ordinal);
    }

    [Fact]
    public void Cancel_uses_order_id_when_known_and_always_the_client_order_id()
    {
        Assert.Equal("symbol=BTCUSDT&orderId=42&origClientOrderId=oms-1",
            RestRequestWriter.BuildQuery(SpotRequests.Cancel("BTCUSDT", Id, new VenueOrderId("42")), null));
        Assert.Equal("symbol=BTCUSDT&origClientOrderId=oms-1", RestRequestWriter.BuildQuery(SpotRequests.Cancel("BTCUSDT", Id, null), null));
    }

    [Fact]
    public void Cancel_replace_adds_mode_and_both_ids()
    {
        var error = SpotRequests.TryBuildCancelReplace("BTCUSDT", Id, Spec(OrderType.Limit, limit: 2m), new ClientOrderId("oms-2"),
            CancelReplaceMode.AllowFailure, SpotOrderResponseType.Result, out var parameters);

        Assert.Null(error);
        Assert.Equal("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=2&cancelReplaceMode=ALLOW_FAILURE&cancelOrigClientOrderId=oms-1&newClientOrderId=oms-2&newOrderRespType=RESULT",
            RestRequestWriter.BuildQuery(parameters, null));
    }

    [Fact]
    public void Oco_maps_both_legs_with_prefixed_names()
    {
        var request = new SpotOcoRequest
        {
            Instrument = BtcUsdt,
            Side = OrderSide.Sell,
            Quantity = 1m,
            ListClientOrderId = "list-1",
            Above = new SpotOcoLeg { Type = OrderType.LimitMaker, ClientOrderId = new("oms-a"), Price = 110m },
            Below = new SpotOcoLeg { Type = OrderType.StopLimit, ClientOrderId = new("oms-b"), Price = 89m, StopPrice = 90m },
        };

        var error = SpotRequests.TryBuildOco("BTCUSDT", request, SpotOrderResponseType.Full, out var parameters);

        Assert.Null(error);
        Assert.Equal("symbol=BTCUSDT&side=SELL&quantity=1&listClientOrderId=list-1&aboveType=LIMIT_MAKER&aboveClientOrderId=oms-a&abovePrice=110"
            + "&belowType=STOP_LOSS_LIMIT&belowClientOrderId=oms-b&belowPrice=89&belowStopPrice=90&belowTimeInForce=GTC&newOrderRespType=FULL",
            RestRequestWriter.BuildQuery(parameters, null));
    }

    [Fact]
    public void Oco_leg_of_a_forbidden_type_is_refused()
    {
        var request = new SpotOcoRequest
        {
            Instrument = BtcUsdt,
            Side = OrderSide.Sell,
            Quantity = 1m,
            Above = new SpotOcoLeg { Type = OrderType.Market, ClientOrderId = new("oms-a") },
            Below = new SpotOcoLeg { Type = OrderType.StopMarket, ClientOrderId = new("oms-b"), StopPrice = 90m },
        };

        Assert.NotNull(SpotRequests.TryBuildOco("BTCUSDT", request, SpotOrderResponseType.Full, out _));
    }

    [Theory]
    [InlineData("0.00100000", "0.001")]
    [InlineData("100", "100")]
    [InlineData("100.000", "100")]
    [InlineData("0.0000001", "0.0000001")]
    [InlineData("0.00000000000000000001", "0.00000000000000000001")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("-1.50", "-1.5")]
    [InlineData("0", "0")]
    [InlineData("0.000", "0")]
    public void Decimals_format_plain_without_exponent_or_trailing_zeros(string input, string expected)
    {
        var value = decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, BinanceDecimal.Format(value));
        Span<byte> utf8 = stackalloc byte[BinanceDecimal.MaxLength];
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(utf8[..BinanceDecimal.Format(value, utf8)]));
    }

    [Fact]
    public void Symbol_mapper_round_trips_and_refuses_other_markets()
    {
        var mapper = new BinanceSymbolMapper(BinanceApi.Spot);

        Assert.Equal("BTCUSDT", mapper.ToSymbol(BtcUsdt));
        Assert.Equal(BtcUsdt, mapper.ToInstrument("BTCUSDT"));
        Assert.Equal(BtcUsdt, mapper.ToInstrument("BTCUSDT".AsSpan()));
        Assert.False(mapper.TryToSymbol(new InstrumentId(Venue.Binance, MarketType.UsdMFutures, "BTCUSDT"), out _));
        Assert.False(mapper.TryToSymbol(new InstrumentId(Venue.Bybit, MarketType.Spot, "BTCUSDT"), out _));
        Assert.Throws<ArgumentException>(() => mapper.ToSymbol(new InstrumentId(Venue.Okx, MarketType.Spot, "BTCUSDT")));
    }
}
