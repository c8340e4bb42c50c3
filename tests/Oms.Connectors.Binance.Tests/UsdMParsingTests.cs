using System.Text;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Symbols;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

/// <summary>Every USD-M REST, WebSocket API and user-data sample through the parsers, field by field.</summary>
public sealed class UsdMParsingTests
{
    private static readonly AccountId Account = new("acct-usdm");
    private readonly BinanceSymbolMapper _symbols = new(BinanceApi.UsdM);

    private static InstrumentId UsdM(string symbol) => new(Venue.Binance, MarketType.UsdMFutures, symbol);

    private static DateTimeOffset Ms(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    [Fact]
    public void Order_query_parses_every_field()
    {
        var report = UsdMOrderParser.ParseOrder(Samples.Bytes("usdm-rest/order_query_response.json"), _symbols);

        Assert.Equal(UsdM("BTCUSDT"), report.Instrument);
        Assert.Equal(new ClientOrderId("abc"), report.ClientOrderId);
        Assert.Equal(new VenueOrderId("1917641"), report.VenueOrderId);
        Assert.Equal(OrderSide.Buy, report.Side);
        Assert.Equal(OrderType.TrailingStopMarket, report.Type);
        Assert.Equal(TimeInForce.Gtc, report.TimeInForce);
        Assert.Equal(OrderStatus.New, report.Status);
        Assert.Equal(0.40m, report.Quantity);
        Assert.Null(report.Price);
        Assert.Equal(9300m, report.StopPrice);
        Assert.Equal(0m, report.ExecutedQuantity);
        Assert.Equal(0m, report.CumulativeQuoteQuantity);
        Assert.Null(report.AveragePrice);
        Assert.Equal(false, report.ReduceOnly);
        Assert.Equal(PositionSide.Short, report.PositionSide);
        Assert.Equal(false, report.ClosePosition);
        Assert.Equal(TriggerPriceType.LastPrice, report.TriggerPriceType);
        Assert.Equal(9020m, report.ActivationPrice);
        Assert.Equal(0.3m, report.TrailingPercent);
        Assert.Equal(Ms(1579276756075), report.Timestamp);
        Assert.Equal(Ms(1579276756075), report.CreatedAt);
        Assert.Null(report.GoodTillDate);
    }

    [Fact]
    public void Order_responses_of_rest_and_the_socket_parse_alike()
    {
        var cancel = UsdMOrderParser.ParseOrder(Samples.Bytes("usdm-rest/order_cancel_response.json"), _symbols);
        var modify = UsdMOrderParser.ParseOrder(Samples.Bytes("usdm-rest/order_modify_response.json"), _symbols);
        var place = UsdMOrderParser.ParseOrder(Samples.Property("usdm-ws-api/order_place_response.json", "result"), _symbols);
        var wsModify = UsdMOrderParser.ParseOrder(Samples.Property("usdm-ws-api/order_modify_response.json", "result"), _symbols);
        var wsCancel = UsdMOrderParser.ParseOrder(Samples.Property("usdm-ws-api/order_cancel_response.json", "result"), _symbols);
        var wsStatus = UsdMOrderParser.ParseOrder(Samples.Property("usdm-ws-api/order_status_response.json", "result"), _symbols);
        var legacy = UsdMOrderParser.ParseOrder(Samples.Bytes("usdm-rest/order_new_response_pre_algo_migration.json"), _symbols);

        Assert.Equal((OrderStatus.Canceled, new ClientOrderId("myOrder1"), 11m, Ms(1693207680000)), (cancel.Status, cancel.ClientOrderId, cancel.Quantity, cancel.GoodTillDate));
        Assert.Equal((OrderType.Limit, 30005m, 1m, PositionSide.Long), (modify.Type, modify.Price, modify.Quantity, modify.PositionSide));
        Assert.Equal((new VenueOrderId("336829446"), 42088.00m, 0.100m, OrderStatus.New, PositionSide.Both), (place.VenueOrderId, place.Price, place.Quantity, place.Status, place.PositionSide));
        Assert.Equal((43769.10m, 0.110m, PositionSide.Short), (wsModify.Price, wsModify.Quantity, wsModify.PositionSide));
        Assert.Equal(OrderStatus.Canceled, wsCancel.Status);
        Assert.Equal(new ClientOrderId("abc"), wsStatus.ClientOrderId);
        // GTD has no domain time in force; the date is kept.
        Assert.Null(legacy.TimeInForce);
        Assert.Equal(Ms(1693207680000), legacy.GoodTillDate);
        var events = place.ToEvents(Account, VenueEventSource.Response, DateTimeOffset.UnixEpoch);
        Assert.Equal(VenueOrderEventKind.Accepted, Assert.IsType<VenueOrderUpdate>(Assert.Single(events)).Kind);
    }

    [Fact]
    public void Open_and_all_orders_parse_as_lists()
    {
        Assert.Single(UsdMOrderParser.ParseOrders(Samples.Bytes("usdm-rest/openOrders_response.json"), _symbols));
        Assert.Single(UsdMOrderParser.ParseOrders(Samples.Bytes("usdm-rest/allOrders_response.json"), _symbols));
    }

    [Fact]
    public void Batch_answer_keeps_request_order_and_classifies_the_failed_entry()
    {
        var results = UsdMOrderParser.ParseBatch(Samples.Bytes("usdm-rest/batchOrders_response.json"), _symbols, ["place order a", "place order b"]);

        Assert.True(results[0].Success);
        Assert.Equal(new ClientOrderId("testOrder"), results[0].Value.ClientOrderId);
        Assert.False(results[1].Success);
        Assert.Equal(-2022, results[1].Error!.Code);
        Assert.Equal(VenueErrorKind.Rejected, results[1].ErrorKind);
        Assert.Equal("failed to place order b: -2022 ReduceOnly Order is rejected.", results[1].Error!.Message);
    }

    [Fact]
    public void Algo_order_responses_parse_with_empty_prices_as_absent()
    {
        var placed = UsdMOrderParser.ParseAlgoOrder(Samples.Bytes("usdm-rest/algoOrder_new_response.json"), _symbols);
        var queried = UsdMOrderParser.ParseAlgoOrder(Samples.Bytes("usdm-rest/algoOrder_query_response.json"), _symbols);
        var ws = UsdMOrderParser.ParseAlgoOrder(Samples.Property("usdm-ws-api/algoOrder_place_response.json", "result"), _symbols);

        Assert.Equal(UsdM("BNBUSDT"), placed.Instrument);
        Assert.Equal(new ClientOrderId("6B2I9XVcJpCjqPAJ4YoFX7"), placed.ClientOrderId);
        Assert.Equal(2146760, placed.AlgoId);
        Assert.Equal(new VenueOrderId("algo-2146760"), placed.VenueOrderId);
        Assert.Equal(AlgoOrderStatus.New, placed.Status);
        Assert.Equal(OrderType.TakeProfitLimit, placed.Type);
        Assert.Equal(OrderSide.Sell, placed.Side);
        Assert.Equal(PositionSide.Both, placed.PositionSide);
        Assert.Equal(TimeInForce.Gtc, placed.TimeInForce);
        Assert.Equal(0.01m, placed.Quantity);
        Assert.Equal(750.000m, placed.TriggerPrice);
        Assert.Equal(750.000m, placed.Price);
        Assert.Equal(TriggerPriceType.LastPrice, placed.TriggerPriceType);
        Assert.Equal((false, false, false), (placed.ClosePosition, placed.PriceProtect, placed.ReduceOnly));
        Assert.Null(placed.ActivationPrice);
        Assert.Null(placed.TrailingPercent);
        Assert.Equal(Ms(1750485492076), placed.CreatedAt);
        Assert.Null(placed.TriggeredAt);
        Assert.Equal(AlgoOrderStatus.Canceled, queried.Status);
        Assert.Null(queried.ActualOrderId);
        Assert.Null(queried.AveragePrice);
        Assert.Equal((3000000000003505L, PositionSide.Short, 120000.00m, 160000.00m), (ws.AlgoId, ws.PositionSide, ws.TriggerPrice, ws.Price));
        var accepted = Assert.IsType<VenueOrderUpdate>(Assert.Single(placed.ToEvents(Account, VenueEventSource.Response, DateTimeOffset.UnixEpoch)));
        Assert.Equal((VenueOrderEventKind.Accepted, new VenueOrderId("algo-2146760")), (accepted.Kind, accepted.VenueOrderId));
    }

    [Fact]
    public void Algo_cancel_answer_names_the_order()
    {
        var cancel = AlgoOrderCancel.Parse(Samples.Bytes("usdm-rest/algoOrder_cancel_response.json"), UsdM("BNBUSDT"));

        Assert.Equal(new ClientOrderId("6B2I9XVcJpCjqPAJ4YoFX7"), cancel.ClientOrderId);
        Assert.Equal(2146760, cancel.AlgoId);
        Assert.Equal(VenueOrderEventKind.Canceled, cancel.ToEvent(Account, DateTimeOffset.UnixEpoch).Kind);
    }

    [Fact]
    public void Exchange_info_builds_usdm_specs_from_the_filters()
    {
        var info = UsdMReferenceParsers.ParseExchangeInfo(Samples.Bytes("usdm-rest/exchangeInfo_response.json"), _symbols);

        var symbol = Assert.Single(info.Symbols);
        var spec = symbol.Spec;
        Assert.Equal(UsdM("BLZUSDT"), spec.Id);
        Assert.Equal(MarketType.UsdMFutures, spec.Market);
        Assert.Equal(("BLZ", "USDT"), (spec.BaseAsset, spec.QuoteAsset));
        Assert.Equal((0.0001m, 0.0001m, 300m), (spec.TickSize, spec.MinPrice, spec.MaxPrice));
        Assert.Equal((1m, 1m, 10000000m), (spec.StepSize, spec.MinQuantity, spec.MaxQuantity));
        Assert.Equal((1m, 1m, 590119m), (spec.MarketStepSize, spec.MarketMinQuantity, spec.MarketMaxQuantity));
        Assert.Equal(5.0m, spec.MinNotional);
        Assert.True(spec.ApplyMinNotionalToMarket);
        Assert.Equal(UsdMContractStatus.Trading, symbol.Status);
        Assert.Equal(UsdMContractType.Perpetual, symbol.ContractType);
        Assert.Equal("USDT", symbol.MarginAsset);
        Assert.Equal((5, 0), (symbol.PricePrecision, symbol.QuantityPrecision));
        Assert.Equal(0.15m, symbol.TriggerProtect);
        Assert.Equal(0.010000m, symbol.LiquidationFee);
        Assert.Equal(0.30m, symbol.MarketTakeBound);
        Assert.Equal(200, symbol.MaxNumOrders);
        Assert.Equal((1.1500m, 0.8500m), symbol.PercentPrice);
        Assert.Equal([OrderType.Limit, OrderType.Market, OrderType.StopLimit, OrderType.StopMarket, OrderType.TakeProfitLimit, OrderType.TakeProfitMarket,
            OrderType.TrailingStopMarket], symbol.OrderTypes);
        Assert.Equal([TimeInForce.Gtc, TimeInForce.Ioc, TimeInForce.Fok, TimeInForce.Gtx], symbol.TimeInForces);
        Assert.Equal(Ms(4133404800000), symbol.DeliveryDate);
        Assert.Equal(2, info.RateLimits.Count);
        Assert.Equal(Ms(1565613908500), info.ServerTime);
        // Futures filters use a grid anchored at the minimum.
        Assert.Null(spec.Check(0.0002m, 30000m, isMarket: false, referencePrice: null));
        Assert.Equal(DenialCode.PriceNotOnTick, spec.Check(0.00015m, 30000m, isMarket: false, referencePrice: null)!.Code);
        Assert.Equal(DenialCode.NotionalBelowMin, spec.Check(0.0002m, 3m, isMarket: false, referencePrice: null)!.Code);
    }

    [Fact]
    public void Position_risk_v3_parses_one_way_and_hedge_positions()
    {
        var oneWay = Assert.Single(UsdMReferenceParsers.ParsePositionRisk(Samples.Bytes("usdm-rest/positionRisk_v3_oneway_response.json"), _symbols));
        var hedge = UsdMReferenceParsers.ParsePositionRisk(Samples.Bytes("usdm-rest/positionRisk_v3_hedge_response.json"), _symbols);

        Assert.Equal(UsdM("ADAUSDT"), oneWay.Instrument);
        Assert.Equal(PositionSide.Both, oneWay.PositionSide);
        Assert.Equal(30m, oneWay.Quantity);
        Assert.Equal(0.385m, oneWay.EntryPrice);
        Assert.Equal(0.385077m, oneWay.BreakEvenPrice);
        Assert.Equal(0.41047590m, oneWay.MarkPrice);
        Assert.Equal(0.76427700m, oneWay.UnrealizedPnl);
        Assert.Equal(0m, oneWay.LiquidationPrice);
        Assert.Equal(12.31427700m, oneWay.Notional);
        Assert.Equal("USDT", oneWay.MarginAsset);
        Assert.Equal(0.61571385m, oneWay.InitialMargin);
        Assert.Equal(0.08004280m, oneWay.MaintenanceMargin);
        Assert.Equal(2, oneWay.AdlQuantile);
        Assert.Equal(Ms(1720736417660), oneWay.UpdateTime);
        Assert.Equal((PositionSide.Short, -1.000m, 2260.56757210m), (hedge[1].PositionSide, hedge[1].Quantity, hedge[1].LiquidationPrice));

        var snapshot = UsdMPosition.ToSnapshot(hedge, Account, Ms(1), VenueEventSource.Reconciliation);
        Assert.True(snapshot.IsSnapshot);
        Assert.Equal(2, snapshot.Positions.Count);
        Assert.Null(snapshot.Positions[0].LiquidationPrice);
        Assert.Equal(2260.56757210m, snapshot.Positions[1].LiquidationPrice);
    }

    [Fact]
    public void Position_risk_v2_shape_is_read_too()
    {
        var positions = UsdMReferenceParsers.ParsePositionRisk(Samples.Bytes("usdm-rest/positionRisk_v2_response.json"), _symbols);

        Assert.Equal((PositionSide.Long, 0.001m, 22185.2m, -1.06214947m), (positions[0].PositionSide, positions[0].Quantity, positions[0].EntryPrice, positions[0].UnrealizedPnl));
    }

    [Theory]
    [InlineData("usdm-rest/account_v3_single_asset_response.json", 103.12345678, "USDC")]
    [InlineData("usdm-rest/account_v3_multi_assets_response.json", 126.72469206, "BUSD")]
    public void Account_v3_parses_totals_assets_and_positions(string sample, double totalWallet, string secondAsset)
    {
        var account = UsdMReferenceParsers.ParseAccount(Samples.Bytes(sample), _symbols);

        Assert.Equal((decimal)totalWallet, account.TotalWalletBalance);
        Assert.Equal(2, account.Assets.Count);
        Assert.Equal(("USDT", 23.72469206m, 23.72469206m), (account.Assets[0].Asset, account.Assets[0].WalletBalance, account.Assets[0].CrossWalletBalance));
        Assert.Equal(secondAsset, account.Assets[1].Asset);
        Assert.Equal(0.00000000m, account.Assets[0].MaintenanceMargin);
        var position = Assert.Single(account.Positions);
        Assert.Equal((UsdM("BTCUSDT"), PositionSide.Both, 1.000m), (position.Instrument, position.PositionSide, position.Quantity));
    }

    [Theory]
    [InlineData("usdm-rest/balance_v3_response.json")]
    [InlineData("usdm-rest/balance_v2_response.json")]
    public void Balances_map_free_to_the_cross_wallet_and_locked_to_the_isolated_part(string sample)
    {
        var balance = Assert.Single(UsdMReferenceParsers.ParseBalances(Samples.Bytes(sample)));

        Assert.Equal(("USDT", 122607.35137903m, 23.72469206m, 23.72469206m, 23.72469206m), (balance.Asset, balance.WalletBalance, balance.CrossWalletBalance,
            balance.AvailableBalance, balance.MaxWithdrawAmount));
        Assert.Equal(true, balance.MarginAvailable);
        Assert.Equal(Ms(1617939110373), balance.UpdateTime);
        Assert.Equal(new VenueBalance("USDT", 23.72469206m, 122583.62668697m), balance.ToVenueBalance());
        Assert.True(UsdMBalance.ToSnapshot([balance], Account, Ms(1), VenueEventSource.Reconciliation).IsSnapshot);
    }

    [Fact]
    public void Socket_balance_result_parses_like_rest()
    {
        var balance = Assert.Single(UsdMReferenceParsers.ParseBalances(Samples.Property("usdm-ws-api/account_balance_v2_response.json", "result")));
        Assert.Equal(122607.35137903m, balance.WalletBalance);
    }

    [Fact]
    public void Income_rows_keep_type_amount_and_trade_id()
    {
        var income = UsdMReferenceParsers.ParseIncome(Samples.Bytes("usdm-rest/income_response.json"), _symbols);

        Assert.Equal((null, UsdMIncomeType.Transfer, -0.37500000m, "USDT", 9689322392L, (string?)null),
            (income[0].Instrument, income[0].Type, income[0].Amount, income[0].Asset, income[0].TransactionId, income[0].TradeId));
        Assert.Equal((UsdM("BTCUSDT"), UsdMIncomeType.Commission, -0.01000000m, "2059192", Ms(1570636800000)),
            (income[1].Instrument, income[1].Type, income[1].Amount, income[1].TradeId, income[1].Time));
    }

    [Fact]
    public void User_trades_become_fills_with_realized_pnl_and_position_side()
    {
        var unmatched = new List<long>();
        var fills = UsdMReferenceParsers.ParseUserTrades(Samples.Bytes("usdm-rest/userTrades_response.json"), _symbols,
            new Dictionary<long, ClientOrderId> { [25851813] = new("oms-7") }, unmatched);
        var none = UsdMReferenceParsers.ParseUserTrades(Samples.Bytes("usdm-rest/userTrades_response.json"), _symbols, new Dictionary<long, ClientOrderId>(), unmatched);

        var fill = Assert.Single(fills);
        Assert.Equal(UsdM("BTCUSDT"), fill.Instrument);
        Assert.Equal(new TradeId("698759"), fill.TradeId);
        Assert.Equal(new ClientOrderId("oms-7"), fill.ClientOrderId);
        Assert.Equal(new VenueOrderId("25851813"), fill.VenueOrderId);
        Assert.Equal(OrderSide.Sell, fill.Side);
        Assert.Equal((0.002m, 7819.01m), (fill.Quantity, fill.Price));
        Assert.Equal((-0.07819010m, "USDT"), (fill.Fee, fill.FeeAsset));
        Assert.Equal(LiquiditySide.Taker, fill.Liquidity);
        Assert.Equal(-0.91539999m, fill.VenueRealizedPnl);
        Assert.Equal(PositionSide.Short, fill.PositionSide);
        Assert.Equal(Ms(1569514978020), fill.Timestamp);
        Assert.Empty(none);
        Assert.Equal([25851813L], unmatched);
    }

    [Fact]
    public void Settings_answers_parse()
    {
        Assert.Equal(new UsdMLeverage(UsdM("BTCUSDT"), 21, 1000000m), UsdMReferenceParsers.ParseLeverage(Samples.Bytes("usdm-rest/leverage_response.json"), _symbols));
        Assert.True(UsdMReferenceParsers.ParseAcknowledgement(Samples.Bytes("usdm-rest/marginType_response.json")));
        Assert.True(UsdMReferenceParsers.ParseAcknowledgement(Samples.Bytes("usdm-rest/positionSide_dual_response.json")));
        Assert.True(UsdMReferenceParsers.ParseAcknowledgement(Samples.Bytes("usdm-rest/allOpenOrders_cancel_response.json")));
        Assert.Equal(PositionMode.Hedge, UsdMReferenceParsers.ParsePositionMode(Samples.Bytes("usdm-rest/positionSide_dual_GET_response.json")));
        Assert.Equal(TimeSpan.FromSeconds(100), UsdMReferenceParsers.ParseCountdown(Samples.Bytes("usdm-rest/countdownCancelAll_response.json")));
        Assert.Equal("pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1", UsdMReferenceParsers.ParseListenKey(Samples.Bytes("usdm-rest/listenKey_POST_response.json")));
        Assert.Equal("3HBntNTepshgEdjIwSUIBgB9keLyOCg5qv3n6bYAtktG8ejcaW5HXz9Vx1JgIieg", UsdMReferenceParsers.ParseListenKey(Samples.Bytes("usdm-rest/listenKey_PUT_response.json")));
        Assert.Equal("xs0mRXdAKlIPDRFrlPcw0qI41Eh3ixNntmymGyhrhgqo7L6FuLaWArTD7RLP",
            UsdMReferenceParsers.ParseListenKey(Samples.Property("usdm-ws-api/userDataStream_start_response.json", "result")));
        Assert.Throws<BinanceProtocolException>(() => UsdMReferenceParsers.ParseAcknowledgement("""{"code":-4046,"msg":"No need to change margin type."}"""u8));
    }

    [Fact]
    public void Order_trade_update_new_trailing_stop_is_accepted()
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();

        var message = parser.Parse(Samples.Bytes("usdm-user-data/ORDER_TRADE_UPDATE.json"), Account, events);

        Assert.Equal(UsdMUserDataEventType.OrderTradeUpdate, message.Type);
        Assert.Equal(Ms(1568879465651), message.EventTime);
        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal(VenueOrderEventKind.Accepted, update.Kind);
        Assert.Equal(UsdM("BTCUSDT"), update.Instrument);
        Assert.Equal(new ClientOrderId("TEST"), update.ClientOrderId);
        Assert.Equal(new VenueOrderId("8886774"), update.VenueOrderId);
        Assert.Equal(0m, update.CumulativeFilledQuantity);
        Assert.Equal(Ms(1568879465650), update.Timestamp);
        Assert.Equal(VenueEventSource.Stream, update.Source);
    }

    [Fact]
    public void Order_trade_update_trade_is_a_fill_with_commission_realized_pnl_and_position_side()
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();
        var json = Samples.Text("usdm-user-data/ORDER_TRADE_UPDATE.json")
            .Replace("\"x\": \"NEW\"", "\"x\": \"TRADE\"", StringComparison.Ordinal)
            .Replace("\"X\": \"NEW\"", "\"X\": \"PARTIALLY_FILLED\"", StringComparison.Ordinal)
            .Replace("\"l\": \"0\"", "\"l\": \"0.0004\"", StringComparison.Ordinal)
            .Replace("\"z\": \"0\"", "\"z\": \"0.0004\"", StringComparison.Ordinal)
            .Replace("\"L\": \"0\"", "\"L\": \"7103.05\"", StringComparison.Ordinal)
            .Replace("\"n\": \"0\"", "\"n\": \"0.00113648\"", StringComparison.Ordinal)
            .Replace("\"t\": 0", "\"t\": 445566", StringComparison.Ordinal)
            .Replace("\"m\": false", "\"m\": true", StringComparison.Ordinal)
            .Replace("\"rp\": \"0\"", "\"rp\": \"-0.25\"", StringComparison.Ordinal);
        Assert.Contains("445566", json, StringComparison.Ordinal);

        parser.Parse(Encoding.UTF8.GetBytes(json), Account, events);

        var fill = Assert.IsType<VenueFill>(events[0]).Fill;
        Assert.Equal(new TradeId("445566"), fill.TradeId);
        Assert.Equal(OrderSide.Sell, fill.Side);
        Assert.Equal((0.0004m, 7103.05m), (fill.Quantity, fill.Price));
        Assert.Equal((0.00113648m, "USDT"), (fill.Fee, fill.FeeAsset));
        Assert.Equal(LiquiditySide.Maker, fill.Liquidity);
        Assert.Equal(-0.25m, fill.VenueRealizedPnl);
        Assert.Equal(PositionSide.Long, fill.PositionSide);
        Assert.Null(fill.Validate());
        var status = Assert.IsType<VenueOrderUpdate>(events[1]);
        Assert.Equal((VenueOrderEventKind.Accepted, 0.0004m), (status.Kind, status.CumulativeFilledQuantity));
    }

    [Theory]
    [InlineData("CANCELED", "CANCELED", "0", VenueOrderEventKind.Canceled, null)]
    [InlineData("EXPIRED", "EXPIRED", "2", VenueOrderEventKind.Expired, "IOC remainder")]
    [InlineData("AMENDMENT", "NEW", "0", VenueOrderEventKind.Replaced, null)]
    public void Order_trade_update_execution_types_map_to_order_events(string execution, string status, string expiry, VenueOrderEventKind kind, string? reason)
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();
        var json = Samples.Text("usdm-user-data/ORDER_TRADE_UPDATE.json")
            .Replace("\"x\": \"NEW\"", $"\"x\": \"{execution}\"", StringComparison.Ordinal)
            .Replace("\"X\": \"NEW\"", $"\"X\": \"{status}\"", StringComparison.Ordinal)
            .Replace("\"er\": \"0\"", $"\"er\": \"{expiry}\"", StringComparison.Ordinal);

        parser.Parse(Encoding.UTF8.GetBytes(json), Account, events);

        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal(kind, update.Kind);
        Assert.Equal(reason, update.Reason);
        if (kind == VenueOrderEventKind.Replaced) Assert.Equal(0.001m, update.Quantity);
    }

    [Fact]
    public void Account_update_yields_balances_and_positions()
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();

        var message = parser.Parse(Samples.Bytes("usdm-user-data/ACCOUNT_UPDATE.json"), Account, events);

        Assert.Equal("ORDER", message.AccountUpdateReason);
        Assert.Equal(new UsdMBalanceChange("BUSD", 1.00000000m, 0.00000000m, -49.12345678m), message.BalanceChanges![1]);
        var balances = Assert.IsType<VenueBalanceUpdate>(events[0]);
        Assert.False(balances.IsSnapshot);
        Assert.Equal(Ms(1564745798938), balances.Timestamp);
        Assert.Equal(new VenueBalance("USDT", 100.12345678m, 122524.00000000m), balances.Balances[0]);
        Assert.Equal(new VenueBalance("BUSD", 0.00000000m, 1.00000000m), balances.Balances[1]);
        var positions = Assert.IsType<VenuePositionUpdate>(events[1]);
        Assert.Equal("ORDER", positions.VenueReason);
        Assert.Equal(3, positions.Positions.Count);
        var flat = positions.Positions[0];
        Assert.Equal((UsdM("BTCUSDT"), PositionSide.Both, 0m, 200m, VenueMarginType.Isolated), (flat.Instrument, flat.PositionSide, flat.Quantity, flat.AccumulatedRealizedPnl, flat.MarginType));
        var longSide = positions.Positions[1];
        Assert.Equal((PositionSide.Long, 20m, 6563.66500m, 0m, 2850.21200m, 13200.70726908m),
            (longSide.PositionSide, longSide.Quantity, longSide.EntryPrice, longSide.BreakEvenPrice, longSide.UnrealizedPnl, longSide.IsolatedWallet));
        var shortSide = positions.Positions[2];
        Assert.Equal((PositionSide.Short, -10m, 6563.6m, -45.04000000m), (shortSide.PositionSide, shortSide.Quantity, shortSide.BreakEvenPrice, shortSide.AccumulatedRealizedPnl));
    }

    [Fact]
    public void Algo_update_cancel_carries_the_reason_and_algo_id()
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();

        var message = parser.Parse(Samples.Bytes("usdm-user-data/ALGO_UPDATE.json"), Account, events);

        var algo = message.Algo!;
        Assert.Equal((new ClientOrderId("Q5xaq5EGKgXXa0fD7fs0Ip"), 2148719L, AlgoOrderStatus.Canceled, OrderType.TakeProfitLimit),
            (algo.ClientOrderId, algo.AlgoId, algo.Status, algo.Type));
        Assert.Equal((UsdM("BNBUSDT"), OrderSide.Sell, PositionSide.Both, TimeInForce.Gtc, 0.01m, 750m, 750m),
            (algo.Instrument, algo.Side, algo.PositionSide, algo.TimeInForce, algo.Quantity, algo.TriggerPrice, algo.Price));
        Assert.Equal((TriggerPriceType.LastPrice, false, false, false), (algo.TriggerPriceType, algo.ClosePosition, algo.PriceProtect, algo.ReduceOnly));
        Assert.Null(algo.ActualOrderId);
        Assert.Null(algo.TriggeredAt);
        Assert.Equal(0m, algo.ExecutedQuantity);
        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal((VenueOrderEventKind.Canceled, "Reduce Only reject", new VenueOrderId("algo-2148719"), Ms(1750515742297)),
            (update.Kind, update.Reason, update.VenueOrderId, update.Timestamp));
    }

    [Fact]
    public void Triggered_algo_order_names_the_engine_order_whose_updates_then_report_on_the_oms_order()
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();
        var triggered = Samples.Text("usdm-user-data/ALGO_UPDATE.json")
            .Replace("\"X\": \"CANCELED\"", "\"X\": \"TRIGGERED\"", StringComparison.Ordinal)
            .Replace("\"ai\": \"\"", "\"ai\": \"8886774\"", StringComparison.Ordinal)
            .Replace("\"rm\": \"Reduce Only reject\"", "\"rm\": \"\"", StringComparison.Ordinal);
        // The engine order carries a client id of its own.
        var engine = Samples.Text("usdm-user-data/ORDER_TRADE_UPDATE.json").Replace("\"c\": \"TEST\"", "\"c\": \"engine-generated\"", StringComparison.Ordinal);

        parser.Parse(Encoding.UTF8.GetBytes(triggered), Account, events);
        parser.Parse(Encoding.UTF8.GetBytes(engine), Account, events);

        var trigger = Assert.IsType<VenueOrderUpdate>(events[0]);
        Assert.Equal((VenueOrderEventKind.Triggered, new VenueOrderId("8886774"), new ClientOrderId("Q5xaq5EGKgXXa0fD7fs0Ip")), (trigger.Kind, trigger.VenueOrderId, trigger.ClientOrderId));
        Assert.True(parser.TryGetTriggeredAlgo(8886774, out var mapped));
        Assert.Equal(new ClientOrderId("Q5xaq5EGKgXXa0fD7fs0Ip"), mapped);
        var engineUpdate = Assert.IsType<VenueOrderUpdate>(events[1]);
        Assert.Equal(new ClientOrderId("Q5xaq5EGKgXXa0fD7fs0Ip"), engineUpdate.ClientOrderId);
        Assert.Equal(new VenueOrderId("8886774"), engineUpdate.VenueOrderId);
    }

    [Theory]
    [InlineData("NEW", VenueOrderEventKind.Accepted)]
    [InlineData("REJECTED", VenueOrderEventKind.Rejected)]
    [InlineData("EXPIRED", VenueOrderEventKind.Expired)]
    public void Algo_statuses_map_to_order_events(string status, VenueOrderEventKind kind)
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();
        parser.Parse(Encoding.UTF8.GetBytes(Samples.Text("usdm-user-data/ALGO_UPDATE.json").Replace("\"X\": \"CANCELED\"", $"\"X\": \"{status}\"", StringComparison.Ordinal)),
            Account, events);
        Assert.Equal(kind, Assert.IsType<VenueOrderUpdate>(Assert.Single(events)).Kind);
    }

    [Theory]
    [InlineData("TRIGGERING")]
    [InlineData("FINISHED")]
    public void Algo_steps_owned_by_the_engine_order_imply_no_event(string status)
    {
        var parser = new UsdMUserDataParser(_symbols);
        var events = new List<VenueEvent>();
        var message = parser.Parse(Encoding.UTF8.GetBytes(Samples.Text("usdm-user-data/ALGO_UPDATE.json").Replace("\"X\": \"CANCELED\"", $"\"X\": \"{status}\"", StringComparison.Ordinal)),
            Account, events);
        Assert.Empty(events);
        Assert.Equal(UsdMUserDataEventType.AlgoUpdate, message.Type);
    }

    [Fact]
    public void Margin_call_lists_the_endangered_positions()
    {
        var events = new List<VenueEvent>();
        new UsdMUserDataParser(_symbols).Parse(Samples.Bytes("usdm-user-data/MARGIN_CALL.json"), Account, events);

        var call = Assert.IsType<VenueMarginCall>(Assert.Single(events));
        Assert.Equal(3.16812045m, call.CrossWalletBalance);
        Assert.Equal(Ms(1587727187525), call.Timestamp);
        var position = Assert.Single(call.Positions);
        Assert.Equal((UsdM("ETHUSDT"), PositionSide.Long, 1.327m, VenueMarginType.Cross, 0m, 187.17127m, -1.166074m, 1.614445m),
            (position.Instrument, position.PositionSide, position.Quantity, position.MarginType, position.IsolatedWallet, position.MarkPrice, position.UnrealizedPnl,
                position.MaintenanceMargin));
    }

    [Fact]
    public void Account_config_updates_carry_leverage_or_multi_assets_mode()
    {
        var events = new List<VenueEvent>();
        var parser = new UsdMUserDataParser(_symbols);
        parser.Parse(Samples.Bytes("usdm-user-data/ACCOUNT_CONFIG_UPDATE_leverage.json"), Account, events);
        parser.Parse(Samples.Bytes("usdm-user-data/ACCOUNT_CONFIG_UPDATE_multiAssets.json"), Account, events);

        var leverage = Assert.IsType<VenueAccountConfigUpdate>(events[0]);
        Assert.Equal((UsdM("BTCUSDT"), 25, (bool?)null, Ms(1611646737476)), (leverage.Instrument, leverage.Leverage, leverage.MultiAssetsMargin, leverage.Timestamp));
        var multi = Assert.IsType<VenueAccountConfigUpdate>(events[1]);
        Assert.Equal(((InstrumentId?)null, (int?)null, (bool?)true), (multi.Instrument, multi.Leverage, multi.MultiAssetsMargin));
    }

    [Fact]
    public void Listen_key_expired_names_the_key_with_a_string_event_time()
    {
        var events = new List<VenueEvent>();
        var message = new UsdMUserDataParser(_symbols).Parse(Samples.Bytes("usdm-user-data/listenKeyExpired.json"), Account, events);

        Assert.Equal(UsdMUserDataEventType.ListenKeyExpired, message.Type);
        Assert.Equal(Ms(1736996475556), message.EventTime);
        Assert.Equal("WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv1qR4kbf1LuEjur5VdbzqvyxqG9TSjVVxv", message.ListenKey);
        Assert.Empty(events);
    }

    [Theory]
    [InlineData("usdm-user-data/TRADE_LITE.json", UsdMUserDataEventType.TradeLite)]
    [InlineData("usdm-user-data/CONDITIONAL_ORDER_TRIGGER_REJECT_deprecated.json", UsdMUserDataEventType.ConditionalOrderTriggerReject)]
    public void Informational_events_imply_no_port_event(string sample, UsdMUserDataEventType type)
    {
        var events = new List<VenueEvent>();
        var message = new UsdMUserDataParser(_symbols).Parse(Samples.Bytes(sample), Account, events);

        Assert.Equal(type, message.Type);
        Assert.Empty(events);
    }

    [Fact]
    public void Every_usdm_user_data_sample_parses()
    {
        foreach (var sample in Samples.Files("usdm-user-data"))
        {
            var events = new List<VenueEvent>();
            var message = new UsdMUserDataParser(_symbols).Parse(Samples.Bytes(sample), Account, events);
            Assert.NotEqual(UsdMUserDataEventType.Unknown, message.Type);
        }
    }
}
