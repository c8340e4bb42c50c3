using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Tests.Support;
using Oms.Simulator.Wire.Futures;
using Oms.Simulator.Wire.Json;
using Oms.Simulator.Wire.Spot;
using Xunit;

namespace Oms.Simulator.Tests.Wire;

internal static class JsonCompaction
{
    /// <summary>The element re-serialised without whitespace, so pretty-printed samples compare with rendered output.</summary>
    public static string Compact(this JsonElement element) => JsonSerializer.Serialize(element);
}

/// <summary>Event and object renderers against the Binance samples (field names, JSON kinds, order, decimal text).</summary>
public sealed class RenderingTests
{
    private static JsonElement Render(Action<Utf8JsonWriter> write)
    {
        using var document = JsonDocument.Parse(JsonFrames.Render(write));
        return document.RootElement.Clone();
    }

    [Theory]
    [InlineData(0.001, 8, "0.00100000")]
    [InlineData(65000, 2, "65000.00")]
    [InlineData(0.123456789, 8, "0.12345679")]
    [InlineData(0, 0, "0")]
    public void Fixed_formats_like_binance(double value, int scale, string expected) =>
        Assert.Equal(expected, Fmt.Fixed((decimal)value, scale));

    [Theory]
    [InlineData("0.00100000", "0.001")]
    [InlineData("100.0", "100")]
    [InlineData("0.0", "0")]
    [InlineData("-45.04000000", "-45.04")]
    public void Plain_strips_trailing_zeros(string value, string expected) =>
        Assert.Equal(expected, Fmt.Plain(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Execution_report_matches_sample()
    {
        var e = new SpotExecutionReport
        {
            AccountId = "a", EventTime = 1499405658658, Symbol = "ETHBTC", ClientOrderId = "mUvoqJxFIILMdfAW5iGSOW", Side = OrderSide.Buy,
            OrderType = SpotOrderType.Limit, TimeInForce = TimeInForce.Gtc, Quantity = 1m, Price = 0.10264410m, ExecutionType = ExecutionType.New,
            OrderStatus = OrderStatus.New, OrderId = 4293153, TransactionTime = 1499405658657, ExecutionId = 8641984, IsWorking = true,
            OrderCreationTime = 1499405658657, WorkingTime = 1499405658657, PreventedMatchId = 3,
        };
        var json = Render(w => JsonFrames.WrapSubscriptionTo(w, 0, x => SpotJson.WriteExecutionReport(x, e, SymbolFormat.SpotDefault)));
        var sample = Samples.Load("spot-user-data/executionReport_NEW.json");

        Shape.AssertMatches(sample, json);
        Assert.Equal(sample.GetProperty("event").Compact(), json.GetProperty("event").Compact());
    }

    [Fact]
    public void List_status_balance_update_and_account_position_match_samples()
    {
        var list = new SpotListStatus
        {
            AccountId = "a", EventTime = 1564035303637, Symbol = "ETHBTC", OrderListId = 2, ContingencyType = ContingencyType.Oco,
            ListStatusType = ListStatusType.ExecStarted, ListOrderStatus = ListOrderStatus.Executing, ListClientOrderId = "F4QN4G8DlFATFlIUQ0cjdD",
            TransactionTime = 1564035303625, Orders = [new ListStatusOrder("ETHBTC", 17, "AJYsMjErWJesZvqlJCTUgL"), new ListStatusOrder("ETHBTC", 18, "bfYPSQdLoqAJeNrOr9adzq")],
        };
        var balance = new SpotBalanceUpdate { AccountId = "a", EventTime = 1573200697110, Asset = "BTC", Delta = 100m, ClearTime = 1573200697068 };
        var position = new SpotAccountPosition { AccountId = "a", EventTime = 1564034571105, LastUpdateTime = 1564034571073, Balances = [new SpotBalanceView("ETH", 10000m, 0m)] };

        Assert.Equal(Samples.Load("spot-user-data/legacy_raw_listStatus.json").Compact(), Render(w => SpotJson.WriteListStatus(w, list)).Compact());
        Assert.Equal(Samples.Load("spot-user-data/legacy_raw_balanceUpdate.json").Compact(), Render(w => SpotJson.WriteBalanceUpdate(w, balance)).Compact());
        Shape.AssertMatches(Samples.Load("spot-user-data/legacy_raw_outboundAccountPosition.json"), Render(w => SpotJson.WriteAccountPosition(w, position)));
    }

    [Fact]
    public void Order_trade_update_matches_sample()
    {
        var e = new FuturesOrderTradeUpdate
        {
            AccountId = "a", EventTime = 1568879465651, TransactionTime = 1568879465650, Symbol = "BTCUSDT", ClientOrderId = "TEST", Side = OrderSide.Sell,
            OrderType = FuturesOrderType.TrailingStopMarket, TimeInForce = TimeInForce.Gtc, OrigQty = 0.001m, StopPrice = 7103.04m,
            ExecutionType = ExecutionType.New, OrderStatus = OrderStatus.New, OrderId = 8886774, TradeTime = 1568879465650, AsksNotional = 9.91m,
            WorkingType = WorkingType.ContractPrice, OriginalOrderType = FuturesOrderType.TrailingStopMarket, PositionSide = PositionSide.Long,
            ActivationPrice = 7476.89m, CallbackRate = 5.0m, SelfTradePreventionMode = SelfTradePreventionMode.ExpireTaker, PriceMatch = PriceMatch.Opponent,
        };
        var json = Render(w => FuturesJson.WriteOrderTradeUpdate(w, e));
        var sample = Samples.Load("usdm-user-data/ORDER_TRADE_UPDATE.json");

        Shape.AssertMatches(sample, json);
        Assert.Equal("0.001", json.GetProperty("o").GetProperty("q").GetString());
        Assert.Equal("0", json.GetProperty("o").GetProperty("er").GetString());
    }

    [Fact]
    public void Account_update_margin_call_config_update_and_listen_key_expired_match_samples()
    {
        var account = new FuturesAccountUpdate
        {
            AccountId = "a", EventTime = 1564745798939, TransactionTime = 1564745798938, Reason = AccountUpdateReason.Order,
            Balances = [new FuturesBalanceChange("USDT", 122624.12345678m, 100.12345678m, 50.12345678m)],
            Positions = [new FuturesPositionChange("BTCUSDT", 20m, 6563.665m, 0m, 0m, 2850.212m, MarginType.Isolated, 13200.70726908m, PositionSide.Long)],
        };
        var marginCall = new FuturesMarginCall
        {
            AccountId = "a", EventTime = 1587727187525, CrossWalletBalance = 3.16812045m,
            Positions = [new MarginCallPosition("ETHUSDT", PositionSide.Long, 1.327m, MarginType.Crossed, 0m, 187.17127m, -1.166074m, 1.614445m)],
        };
        var config = new FuturesAccountConfigUpdate { AccountId = "a", EventTime = 1611646737479, TransactionTime = 1611646737476, Symbol = "BTCUSDT", Leverage = 25 };

        var accountJson = Render(w => FuturesJson.WriteAccountUpdate(w, account));
        Shape.AssertMatches(Samples.Load("usdm-user-data/ACCOUNT_UPDATE.json"), accountJson);
        Assert.Equal("isolated", accountJson.GetProperty("a").GetProperty("P")[0].GetProperty("mt").GetString());
        Shape.AssertMatches(Samples.Load("usdm-user-data/MARGIN_CALL.json"), Render(w => FuturesJson.WriteMarginCall(w, marginCall)));
        Assert.Equal(Samples.Load("usdm-user-data/ACCOUNT_CONFIG_UPDATE_leverage.json").Compact(), Render(w => FuturesJson.WriteAccountConfigUpdate(w, config)).Compact());
        Assert.Equal(
            Samples.Load("usdm-user-data/listenKeyExpired.json").Compact(),
            Render(w => FuturesJson.WriteListenKeyExpired(w, 1736996475556, "WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv1qR4kbf1LuEjur5VdbzqvyxqG9TSjVVxv")).Compact());
    }

    [Fact]
    public void Algo_update_matches_sample()
    {
        var algo = new AlgoOrderView
        {
            AlgoId = 2148719, ClientAlgoId = "Q5xaq5EGKgXXa0fD7fs0Ip", OrderType = FuturesOrderType.TakeProfit, Symbol = "BNBUSDT", Side = OrderSide.Sell,
            PositionSide = PositionSide.Both, TimeInForce = TimeInForce.Gtc, Quantity = 0.01m, AlgoStatus = AlgoStatus.Canceled, TriggerPrice = 750m, Price = 750m,
            SelfTradePreventionMode = SelfTradePreventionMode.ExpireMaker, WorkingType = WorkingType.ContractPrice, FailureReason = "Reduce Only reject",
        };
        var update = new FuturesAlgoUpdate { AccountId = "a", EventTime = 1750515742303, TransactionTime = 1750515742297, Order = algo };

        Assert.Equal(Samples.Load("usdm-user-data/ALGO_UPDATE.json").Compact(), Render(w => FuturesJson.WriteAlgoUpdate(w, update)).Compact());
    }

    [Fact]
    public void Market_stream_payloads_match_samples()
    {
        var spot = new SymbolFormat(8, 8, 8);
        var bookTicker = new BookTickerEvent
        {
            Market = MarketKind.UsdM, Symbol = "BNBUSDT", EventTime = 1568014460893, UpdateId = 400900217, TransactionTime = 1568014460891,
            BidPrice = 25.3519m, BidQty = 31.21m, AskPrice = 25.3652m, AskQty = 40.66m,
        };
        var depth = new DepthUpdateEvent
        {
            Market = MarketKind.Spot, Symbol = "BNBBTC", EventTime = 1672515782136, FirstUpdateId = 157, FinalUpdateId = 160,
            Bids = [new PriceLevel(0.0024m, 10m)], Asks = [new PriceLevel(0.0026m, 100m)],
        };
        var mark = new MarkPriceEvent
        {
            Market = MarketKind.UsdM, Symbol = "BTCUSDT", EventTime = 1562305380000, MarkPrice = 11794.15m, IndexPrice = 11784.62659091m,
            EstimatedSettlePrice = 11784.25641265m, FundingRate = 0.00038167m, NextFundingTime = 1562306400000,
        };

        Assert.Equal(Samples.Load("usdm-market-streams/bookTicker.json").Compact(), Render(w => MarketJson.WriteBookTickerEvent(w, bookTicker, spot)).Compact());
        Shape.AssertMatches(Samples.Load("spot-market-streams/depthUpdate_diff.json"), Render(w => MarketJson.WriteDepthUpdateEvent(w, depth, spot)));
        Assert.Equal(Samples.Load("usdm-market-streams/markPriceUpdate.json").Compact(), Render(w => MarketJson.WriteMarkPriceEvent(w, mark)).Compact());
    }
}
