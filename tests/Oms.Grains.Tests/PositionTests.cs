namespace Oms.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PositionTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task One_way_positions_open_reduce_flip_and_mark_to_the_reference_price()
    {
        var accountId = TestAccounts.New("oneway");
        var account = await _grains.Provision(accountId);
        var buy = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.02m, 60000m)))).Order;
        var sell = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.03m, 61000m)))).Order;

        await _venue.Send(accountId,
            VenueDriver.Fill(accountId, buy, 0.01m, 60000m, fee: 0.24m),
            VenueDriver.Fill(accountId, buy, 0.01m, 60200m, fee: 0.24m),
            VenueDriver.Fill(accountId, sell, 0.03m, 61000m, fee: 0.732m));
        TestEnvironment.Prices.Set(TestInstruments.BtcPerp, 60500m);

        var leg = Assert.Single(await account.GetPositionsAsync());
        Assert.Equal(PositionSide.Both, leg.Side);
        Assert.Equal(-0.01m, leg.Quantity);
        Assert.Equal(61000m, leg.AverageEntryPrice);
        // Long 0.02 @ 60100 closed at 61000: +18 gross, fees 1.212.
        Assert.Equal(18m - 1.212m, leg.RealizedPnl);
        Assert.Equal(1.212m, leg.Fees);
        Assert.Equal(60500m, leg.MarkPrice);
        Assert.Equal(5m, leg.UnrealizedPnl);
        Assert.Equal(3, leg.FillCount);

        var history = await _grains.GetPosition(accountId, TestInstruments.BtcPerp).GetHistoryAsync(10);
        Assert.Equal([PositionChangeKind.Opened, PositionChangeKind.Increased, PositionChangeKind.Flipped], history.Select(h => h.Change.Kind));
        Assert.Equal(2, (await _grains.GetPosition(accountId, TestInstruments.BtcPerp).GetHistoryAsync(2)).Count);
    }

    [Fact]
    public async Task Hedge_mode_keeps_long_and_short_legs_apart()
    {
        var accountId = TestAccounts.New("hedge");
        var account = await _grains.Provision(accountId, TestAccounts.Binance(PositionMode.Hedge));
        var oneWaySpec = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.01m, 60000m)));
        var openLong = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Buy, 0.02m, 60000m, PositionSide.Long)))).Order;
        var openShort = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.01m, 60100m, PositionSide.Short)))).Order;
        var closeLong = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcPerp, OrderSide.Sell, 0.005m, 60500m, PositionSide.Long)))).Order;

        await _venue.Send(accountId,
            VenueDriver.Fill(accountId, openLong, 0.02m, 60000m),
            VenueDriver.Fill(accountId, openShort, 0.01m, 60100m),
            VenueDriver.Fill(accountId, closeLong, 0.005m, 60500m));
        TestEnvironment.Prices.Set(TestInstruments.BtcPerp, 60300m);

        Assert.Equal(DenialCode.InvalidOrder, oneWaySpec.Order.Denial?.Code);
        var legs = await account.GetPositionsAsync();
        Assert.Equal([PositionSide.Long, PositionSide.Short], legs.Select(l => l.Side));
        var (longLeg, shortLeg) = (legs[0], legs[1]);
        Assert.Equal(0.015m, longLeg.Quantity);
        Assert.Equal(60000m, longLeg.AverageEntryPrice);
        Assert.Equal(2.5m, longLeg.RealizedPnl);
        Assert.Equal(4.5m, longLeg.UnrealizedPnl);
        Assert.Equal(-0.01m, shortLeg.Quantity);
        Assert.Equal(60100m, shortLeg.AverageEntryPrice);
        Assert.Equal(-2m, shortLeg.UnrealizedPnl);
    }

    [Fact]
    public async Task Spot_fees_in_the_base_asset_reduce_inventory_and_other_assets_are_valued_or_recorded()
    {
        var accountId = TestAccounts.New("fees");
        var account = await _grains.Provision(accountId);
        var buy = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(TestInstruments.BtcSpot, OrderSide.Buy, 0.003m, 50000m)))).Order;
        TestEnvironment.Prices.Set(TestInstruments.BnbSpot, 600m);

        await _venue.Send(accountId, VenueDriver.Fill(accountId, buy, 0.001m, 50000m, fee: 0.000001m, feeAsset: "BTC"));
        await _venue.Send(accountId, VenueDriver.Fill(accountId, buy, 0.001m, 50000m, fee: 0.0001m, feeAsset: "BNB"));
        TestEnvironment.Prices.Set(TestInstruments.BnbSpot, null);
        await _venue.Send(accountId, VenueDriver.Fill(accountId, buy, 0.001m, 50000m, fee: 0.0001m, feeAsset: "BNB"));

        var leg = Assert.Single(await account.GetPositionsAsync());
        Assert.Equal(0.002999m, leg.Quantity);
        // 0.000001 BTC at 50000 = 0.05 USDT; 0.0001 BNB at 600 = 0.06 USDT; the last BNB fee has no price.
        Assert.Equal(0.11m, leg.Fees);
        var history = await _grains.GetPosition(accountId, TestInstruments.BtcSpot).GetHistoryAsync(10);
        Assert.Equal([null, null, new Money(0.0001m, "BNB")], history.Select(h => h.UnvaluedFee));
        var order = (await account.GetOrderAsync(buy.ClientOrderId))!;
        Assert.Equal([new Money(0.000001m, "BTC"), new Money(0.0002m, "BNB")], order.Fees.OrderBy(f => f.Asset, StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task The_position_grain_applies_each_trade_id_once_and_survives_deactivation()
    {
        var accountId = TestAccounts.New("pos-dedup");
        var position = _grains.GetPosition(accountId, TestInstruments.EthSpot);
        var fill = VenueDriver.Fill(accountId, TestInstruments.EthSpot, new ClientOrderId("x-1"), OrderSide.Buy, 0.5m, 3000m).Fill;
        var other = fill with { TradeId = new TradeId("other"), Quantity = 0.25m, Price = 3100m };

        await position.ApplyFillsAsync([fill, fill]);
        await position.ApplyFillsAsync([other, fill]);
        await fixture.Cluster.DeactivateAsync(position);
        var legs = await position.ApplyFillsAsync([fill, other]);

        var leg = Assert.Single(legs);
        Assert.Equal(0.75m, leg.Quantity);
        Assert.Equal(2, leg.FillCount);
        Assert.Equal(2, (await position.GetHistoryAsync(100)).Count);
    }
}
