using System.Text;
using Oms.Connectors.Binance.Orders;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.Symbols;
using Oms.Connectors.Binance.Tests.Support;

namespace Oms.Connectors.Binance.Tests;

/// <summary>
/// Client order ids of a spot cancel-replace lineage, and how the user-data stream's reports of a lineage become the
/// OMS order's events (the cancel leg is not a cancel of the OMS order; the replacement's acceptance is a replace).
/// </summary>
public sealed class SpotLineageTests
{
    private static readonly AccountId Account = new("acct-1");
    private static readonly ClientOrderId Order = new("oms-abc123-1z");
    private readonly SpotUserDataParser _parser = new(new BinanceSymbolMapper(BinanceApi.Spot));

    [Fact]
    public void Lineage_ids_name_the_replaced_venue_order_and_map_back_to_the_oms_order()
    {
        var replacement = SpotClientOrderIds.Replacement(Order, 4293153)!;
        var cancelLeg = SpotClientOrderIds.CancelLeg(Order, 4293153)!;

        Assert.Equal("oms-abc123-1z__R2k0m9", replacement);
        Assert.Equal("oms-abc123-1z__C2k0m9", cancelLeg);
        Assert.Equal(Order, SpotClientOrderIds.ToOms(replacement));
        Assert.Equal(Order, SpotClientOrderIds.ToOms(cancelLeg));
        Assert.Equal(Order, SpotClientOrderIds.ToOms(Order.Value));
        Assert.True(SpotClientOrderIds.IsReplacement(replacement));
        Assert.False(SpotClientOrderIds.IsReplacement(cancelLeg));
        Assert.True(SpotClientOrderIds.IsCancelLeg(cancelLeg));
        Assert.False(SpotClientOrderIds.IsCancelLeg(Order.Value));
        Assert.Null(SpotClientOrderIds.ToOms("has space"));
    }

    [Fact]
    public void A_lineage_id_longer_than_Binance_allows_is_not_made_and_a_lineage_shaped_oms_id_is_recognised()
    {
        var longest = new ClientOrderId(new string('a', 30));

        Assert.Null(SpotClientOrderIds.Replacement(longest, 4293153));
        Assert.Null(SpotClientOrderIds.CancelLeg(longest, 4293153));
        Assert.True(SpotClientOrderIds.LooksLikeLineage(new ClientOrderId("x__R1")));
        Assert.False(SpotClientOrderIds.LooksLikeLineage(Order));
    }

    [Fact]
    public void The_cancel_leg_of_a_cancel_replace_is_not_reported_as_a_cancel_of_the_order()
    {
        var events = Parse(("x", "CANCELED"), ("X", "CANCELED"), ("c", SpotClientOrderIds.CancelLeg(Order, 4293150)), ("C", Order.Value));

        Assert.Empty(events);
    }

    [Fact]
    public void A_plain_cancel_of_a_replacement_cancels_the_oms_order()
    {
        var events = Parse(("x", "CANCELED"), ("X", "CANCELED"), ("c", "web_cancel1"), ("C", SpotClientOrderIds.Replacement(Order, 4293150)));

        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal(VenueOrderEventKind.Canceled, update.Kind);
        Assert.Equal(Order, update.ClientOrderId);
    }

    [Fact]
    public void The_replacements_acceptance_is_the_replace_of_the_oms_order_with_its_price_but_not_its_venue_quantity()
    {
        var events = Parse(("x", "NEW"), ("X", "NEW"), ("c", SpotClientOrderIds.Replacement(Order, 4293150)), ("p", "0.10300000"), ("q", "0.60000000"));

        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal(VenueOrderEventKind.Replaced, update.Kind);
        Assert.Equal(Order, update.ClientOrderId);
        Assert.Equal(new VenueOrderId("4293153"), update.VenueOrderId);
        Assert.Equal(0.103m, update.LimitPrice);
        Assert.Null(update.Quantity);
        Assert.Null(update.CumulativeFilledQuantity);
    }

    [Fact]
    public void A_replacements_trade_is_a_fill_of_the_oms_order()
    {
        var events = Parse(("x", "TRADE"), ("X", "PARTIALLY_FILLED"), ("c", SpotClientOrderIds.Replacement(Order, 4293150)), ("l", "0.40000000"),
            ("z", "0.40000000"), ("L", "0.10264000"), ("t", 123456789L));

        var fill = Assert.IsType<VenueFill>(events[0]);
        Assert.Equal(Order, fill.Fill.ClientOrderId);
        Assert.Equal(0.4m, fill.Fill.Quantity);
    }

    [Fact]
    public void A_rejected_replacement_ends_the_oms_order_cancelled_saying_why()
    {
        var events = Parse(("x", "REJECTED"), ("X", "REJECTED"), ("c", SpotClientOrderIds.Replacement(Order, 4293150)), ("r", "INSUFFICIENT_BALANCES"));

        var update = Assert.IsType<VenueOrderUpdate>(Assert.Single(events));
        Assert.Equal(VenueOrderEventKind.Canceled, update.Kind);
        Assert.Equal(Order, update.ClientOrderId);
        Assert.Contains("INSUFFICIENT_BALANCES", update.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancel_replace_of_a_lineage_step_names_the_venue_order_and_both_lineage_ids()
    {
        var spec = new OrderSpec
        {
            Instrument = new InstrumentId(Venue.Binance, MarketType.Spot, "BTCUSDT"), Side = OrderSide.Buy, Type = OrderType.Limit, Quantity = 0.011m, LimitPrice = 50000.5m,
        };

        var error = SpotRequests.TryBuildCancelReplace("BTCUSDT", 42, "oms-1__C16", spec, "oms-1__R16", CancelReplaceMode.StopOnFailure, SpotOrderResponseType.Full,
            out var parameters);

        Assert.Null(error);
        var query = Oms.Connectors.Binance.Signing.RestRequestWriter.BuildQuery(parameters, null);
        Assert.Contains("cancelReplaceMode=STOP_ON_FAILURE", query, StringComparison.Ordinal);
        Assert.Contains("cancelOrderId=42", query, StringComparison.Ordinal);
        Assert.Contains("cancelNewClientOrderId=oms-1__C16", query, StringComparison.Ordinal);
        Assert.Contains("newClientOrderId=oms-1__R16", query, StringComparison.Ordinal);
        Assert.Contains("quantity=0.011", query, StringComparison.Ordinal);
        Assert.Contains("price=50000.5", query, StringComparison.Ordinal);
        Assert.DoesNotContain("origClientOrderId", query, StringComparison.Ordinal);
        Assert.Equal("symbol=BTCUSDT&orderId=42", Oms.Connectors.Binance.Signing.RestRequestWriter.BuildQuery(SpotRequests.QueryOrder("BTCUSDT", 42, null), null));
        Assert.Equal("symbol=BTCUSDT&origClientOrderId=oms-1__R16",
            Oms.Connectors.Binance.Signing.RestRequestWriter.BuildQuery(SpotRequests.QueryOrder("BTCUSDT", null, "oms-1__R16"), null));
    }

    private List<VenueEvent> Parse(params (string Field, object? Value)[] changes)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Samples.Text("spot-user-data/legacy_raw_executionReport.json"))!.AsObject();
        foreach (var (field, value) in changes) node[field] = System.Text.Json.Nodes.JsonValue.Create(value);
        var events = new List<VenueEvent>();
        _parser.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()), Account, events);
        return events;
    }
}
