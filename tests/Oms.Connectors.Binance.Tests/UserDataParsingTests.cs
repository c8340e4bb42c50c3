using System.Text;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Symbols;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

public sealed class UserDataParsingTests
{
    private static readonly AccountId Account = new("acct-1");
    private readonly SpotUserDataParser _parser = new(new BinanceSymbolMapper(BinanceApi.Spot));
    private static readonly InstrumentId EthBtc = new(Venue.Binance, MarketType.Spot, "ETHBTC");

    private (SpotUserDataMessage Message, List<VenueEvent> Events) Parse(byte[] eventJson)
    {
        var events = new List<VenueEvent>();
        var message = _parser.Parse(eventJson, Account, events);
        return (message, events);
    }

    /// <summary>The executionReport sample with fields replaced, to cover every execution type.</summary>
    private static byte[] ExecutionReport(params (string Field, object? Value)[] changes)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Samples.Text("spot-user-data/legacy_raw_executionReport.json"))!.AsObject();
        foreach (var (field, value) in changes) node[field] = System.Text.Json.Nodes.JsonValue.Create(value);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    [Theory]
    [InlineData("spot-user-data/executionReport_NEW.json", true)]
    [InlineData("spot-user-data/legacy_raw_executionReport.json", false)]
    public void ExecutionReport_NEW_becomes_an_accepted_update_field_by_field(string sample, bool wrapped)
    {
        var json = wrapped ? Samples.Property(sample, "event") : Samples.Bytes(sample);

        var (message, events) = Parse(json);

        Assert.Equal(SpotUserDataEventType.ExecutionReport, message.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1499405658658), message.EventTime);
        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal(Account, update.Account);
        Assert.Equal(EthBtc, update.Instrument);
        Assert.Equal(new ClientOrderId("mUvoqJxFIILMdfAW5iGSOW"), update.ClientOrderId);
        Assert.Equal(new VenueOrderId("4293153"), update.VenueOrderId);
        Assert.Equal(VenueOrderEventKind.Accepted, update.Kind);
        Assert.Equal(VenueEventSource.Stream, update.Source);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1499405658657), update.Timestamp);
        Assert.Equal(0m, update.CumulativeFilledQuantity);
        Assert.Null(update.Reason);
    }

    [Fact]
    public void ExecutionReport_TRADE_becomes_a_fill_then_the_status_with_cumulative_quantity()
    {
        var json = ExecutionReport(("x", "TRADE"), ("X", "PARTIALLY_FILLED"), ("l", "0.40000000"), ("z", "0.40000000"), ("L", "0.10264000"),
            ("n", "0.00000041"), ("N", "BNB"), ("t", 123456789L), ("m", true), ("T", 1499405660000L));

        var (_, events) = Parse(json);

        Assert.Equal(2, events.Count);
        var fill = Assert.IsType<VenueFill>(events[0]).Fill;
        Assert.Equal(EthBtc, fill.Instrument);
        Assert.Equal(new TradeId("123456789"), fill.TradeId);
        Assert.Equal(new ClientOrderId("mUvoqJxFIILMdfAW5iGSOW"), fill.ClientOrderId);
        Assert.Equal(new VenueOrderId("4293153"), fill.VenueOrderId);
        Assert.Equal(OrderSide.Buy, fill.Side);
        Assert.Equal(0.4m, fill.Quantity);
        Assert.Equal(0.10264m, fill.Price);
        Assert.Equal(0.00000041m, fill.Fee);
        Assert.Equal("BNB", fill.FeeAsset);
        Assert.Equal(LiquiditySide.Maker, fill.Liquidity);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1499405660000), fill.Timestamp);
        Assert.Null(fill.Validate());
        var status = Assert.IsType<VenueOrderUpdate>(events[1]);
        Assert.Equal(VenueOrderEventKind.Accepted, status.Kind);
        Assert.Equal(0.4m, status.CumulativeFilledQuantity);
    }

    [Theory]
    [InlineData("CANCELED", "CANCELED", VenueOrderEventKind.Canceled, null)]
    [InlineData("REJECTED", "REJECTED", VenueOrderEventKind.Rejected, "INSUFFICIENT_BALANCES")]
    [InlineData("EXPIRED", "EXPIRED", VenueOrderEventKind.Expired, "UNFILLED_IOC_QUANTITY_EXPIRED")]
    [InlineData("EXPIRED", "EXPIRED_IN_MATCH", VenueOrderEventKind.Expired, "UNFILLED_IOC_QUANTITY_EXPIRED")]
    [InlineData("TRADE_PREVENTION", "EXPIRED_IN_MATCH", VenueOrderEventKind.Expired, "EXPIRED_IN_MATCH")]
    [InlineData("REPLACED", "NEW", VenueOrderEventKind.Replaced, null)]
    public void ExecutionReport_execution_types_map_to_port_kinds(string execution, string status, VenueOrderEventKind expected, string? reason)
    {
        var changes = new List<(string, object?)> { ("x", execution), ("X", status) };
        if (execution == "REJECTED") changes.Add(("r", "INSUFFICIENT_BALANCES"));
        if (execution == "EXPIRED") changes.Add(("eR", "UNFILLED_IOC_QUANTITY_EXPIRED"));

        var (_, events) = Parse(ExecutionReport([.. changes]));

        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal(expected, update.Kind);
        Assert.Equal(reason, update.Reason);
        if (expected == VenueOrderEventKind.Replaced)
        {
            Assert.Equal(1m, update.Quantity);
            Assert.Equal(0.1026441m, update.LimitPrice);
        }
    }

    [Fact]
    public void ExecutionReport_for_a_cancel_names_the_cancelled_order_not_the_cancel_request()
    {
        var (_, events) = Parse(ExecutionReport(("x", "CANCELED"), ("X", "CANCELED"), ("c", "cancel-req-1"), ("C", "mUvoqJxFIILMdfAW5iGSOW")));

        Assert.Equal(new ClientOrderId("mUvoqJxFIILMdfAW5iGSOW"), Assert.IsType<VenueOrderUpdate>(Assert.Single(events)).ClientOrderId);
    }

    [Fact]
    public void ExecutionReport_with_an_unknown_execution_type_is_a_protocol_error_naming_the_symbol()
    {
        var ex = Assert.Throws<BinanceProtocolException>(() => Parse(ExecutionReport(("x", "SOMETHING_NEW"))));

        Assert.Contains("ETHBTC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecutionReport_TRADE_without_trade_id_is_a_protocol_error()
    {
        Assert.Throws<BinanceProtocolException>(() => Parse(ExecutionReport(("x", "TRADE"), ("X", "FILLED"), ("t", -1L))));
    }

    [Theory]
    [InlineData("spot-user-data/outboundAccountPosition.json", true)]
    [InlineData("spot-user-data/legacy_raw_outboundAccountPosition.json", false)]
    public void OutboundAccountPosition_becomes_a_partial_balance_update(string sample, bool wrapped)
    {
        var (message, events) = Parse(wrapped ? Samples.Property(sample, "event") : Samples.Bytes(sample));

        Assert.Equal(SpotUserDataEventType.OutboundAccountPosition, message.Type);
        var update = Assert.IsType<VenueBalanceUpdate>(Assert.Single(events));
        Assert.False(update.IsSnapshot);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1564034571073), update.Timestamp);
        Assert.Equal(new VenueBalance("ETH", 10000m, 0m), Assert.Single(update.Balances));
    }

    [Fact]
    public void OutboundAccountPosition_envelope_sample_lists_every_asset()
    {
        var (_, events) = Parse(Samples.Property("spot-ws-api/event_envelope_outboundAccountPosition.json", "event"));

        var update = Assert.IsType<VenueBalanceUpdate>(Assert.Single(events));
        Assert.Equal([new VenueBalance("BTC", 11818m, 182m), new VenueBalance("USDT", 10580m, 70m)], update.Balances);
    }

    [Theory]
    [InlineData("spot-user-data/balanceUpdate.json", true, "BTC", "100", 1573200697068, false)]
    [InlineData("spot-user-data/legacy_raw_balanceUpdate.json", false, "BTC", "100", 1573200697068, false)]
    [InlineData("spot-user-data/externalLockUpdate.json", true, "NEO", "10", 1581557507268, true)]
    public void Balance_deltas_are_reported_but_not_as_absolute_balances(string sample, bool wrapped, string asset, string delta, long clearTime, bool isLock)
    {
        var (message, events) = Parse(wrapped ? Samples.Property(sample, "event") : Samples.Bytes(sample));

        Assert.Empty(events);
        Assert.Equal(new BalanceDelta(asset, decimal.Parse(delta, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(clearTime), isLock), message.BalanceDelta);
    }

    [Theory]
    [InlineData("spot-user-data/listStatus.json", true)]
    [InlineData("spot-user-data/legacy_raw_listStatus.json", false)]
    public void ListStatus_is_parsed_field_by_field(string sample, bool wrapped)
    {
        var (message, events) = Parse(wrapped ? Samples.Property(sample, "event") : Samples.Bytes(sample));

        Assert.Empty(events);
        var list = Assert.IsType<OrderListReport>(message.ListStatus);
        Assert.Equal(2, list.OrderListId);
        Assert.Equal("F4QN4G8DlFATFlIUQ0cjdD", list.ListClientOrderId);
        Assert.Equal(EthBtc, list.Instrument);
        Assert.Equal("OCO", list.ContingencyType);
        Assert.Equal("EXEC_STARTED", list.ListStatusType);
        Assert.Equal("EXECUTING", list.ListOrderStatus);
        Assert.Null(list.RejectReason);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1564035303625), list.Timestamp);
        Assert.Equal([(new ClientOrderId("AJYsMjErWJesZvqlJCTUgL"), new VenueOrderId("17")), (new ClientOrderId("bfYPSQdLoqAJeNrOr9adzq"), new VenueOrderId("18"))],
            list.Orders);
    }

    [Fact]
    public void EventStreamTerminated_is_recognised()
    {
        var (message, events) = Parse(Samples.Property("spot-user-data/eventStreamTerminated.json", "event"));

        Assert.Empty(events);
        Assert.Equal(SpotUserDataEventType.EventStreamTerminated, message.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1728973001334), message.EventTime);
    }

    [Fact]
    public void ListenKeyExpired_of_the_retired_stream_is_unknown_and_harmless()
    {
        var (message, events) = Parse(Samples.Bytes("spot-user-data/legacy_raw_listenKeyExpired.json"));

        Assert.Empty(events);
        Assert.Equal(SpotUserDataEventType.Unknown, message.Type);
    }
}
