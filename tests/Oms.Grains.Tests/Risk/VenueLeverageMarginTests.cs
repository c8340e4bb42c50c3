using static Oms.Grains.Tests.Infrastructure.TestInstruments;

namespace Oms.Grains.Tests.Risk;

/// <summary>
/// The pre-trade margin check on a running cluster margins a futures order at the leverage the venue applies to its
/// instrument (learned from the venue's leverage events), capped by the risk limits' maximum leverage; with neither
/// known it assumes 1x and says so.
/// </summary>
[Collection(RiskClusterCollection.Name)]
public sealed class VenueLeverageMarginTests(RiskClusterFixture fixture)
{
    private readonly RiskDriver _d = new(fixture.Grains);

    private static OrderSpec Buy(decimal quantity, decimal price) => Specs.Limit(BtcPerp, OrderSide.Buy, quantity, price);

    private Task VenueLeverageAsync(AccountId account, int leverage) => _d.SendAsync(account, new VenueAccountConfigUpdate
    {
        Account = account,
        Timestamp = RiskEnvironment.Clock.GetUtcNow(),
        Source = VenueEventSource.Stream,
        Instrument = BtcPerp,
        Leverage = leverage,
    });

    private static Denial Denied(SubmitOrderResult result)
    {
        Assert.Equal(OrderStatus.Denied, result.Order.Status);
        var denial = Assert.IsType<Denial>(result.Order.Denial);
        Assert.Equal(DenialCode.InsufficientMargin, denial.Code);
        return denial;
    }

    [Fact]
    public async Task An_order_that_fits_at_the_venues_10x_passes_and_the_same_order_at_the_venues_1x_is_denied_with_the_margin_numbers()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("lev-venue");
        await _d.BalancesAsync(id, new VenueBalance("USDT", 1000m, 0m));

        // 0.15 BTC at 60000 = 9000 USDT of notional on a 1000 USDT wallet.
        await VenueLeverageAsync(id, 1);
        var at1x = Denied(await account.SubmitOrderAsync(Specs.Submit(Buy(0.15m, 60000m))));
        // 9000 / 1 + 0.1 % fee estimate (9) = 9009 > 1000.
        Assert.Equal((1000m, 9009m, "USDT"), (at1x.Limit, at1x.WouldBe, at1x.Unit));
        Assert.Contains("INSUFFICIENT_MARGIN", at1x.ToString(), StringComparison.Ordinal);
        Assert.Contains("worst-case gross 9000 USDT at 1x leverage (the venue's leverage of BTCUSDT) = 9000 USDT", at1x.Reason, StringComparison.Ordinal);
        Assert.Contains("above the margin equity 1000 USDT", at1x.Reason, StringComparison.Ordinal);
        Assert.Empty(RiskDriver.Places(id));

        // The venue now applies 10x to BTCUSDT: 9000 / 10 + 9 = 909 ≤ 1000.
        await VenueLeverageAsync(id, 10);
        var at10x = await account.SubmitOrderAsync(Specs.Submit(Buy(0.15m, 60000m)));
        Assert.Equal(OrderStatus.PendingNew, at10x.Order.Status);
        Assert.Single(RiskDriver.Places(id));

        // One more 0.01 BTC at 10x: worst case 0.16 BTC = 9600 / 10 + 0.6 = 960.6, still inside.
        Assert.Equal(OrderStatus.PendingNew, (await account.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 60000m)))).Order.Status);

        // The risk manager caps leverage at 5x: the venue's 10x no longer counts. 0.17 BTC = 10200 / 5 + 0.6 = 2040.6.
        await _d.SetLimitsAsync(id, new RiskLimits { Leverage = 5m });
        var capped = Denied(await account.SubmitOrderAsync(Specs.Submit(Buy(0.01m, 60000m))));
        Assert.Equal((1000m, 2040.6m), (capped.Limit, capped.WouldBe));
        Assert.Contains("at 5x leverage (the maximum leverage 5x caps the venue's 10x on BTCUSDT)", capped.Reason, StringComparison.Ordinal);
        Assert.Equal(2, RiskDriver.Places(id).Count);

        // A cap above the venue's leverage changes nothing: the venue's 10x applies (0.162 BTC = 9720 / 10 + 0.12 = 972.12).
        await _d.SetLimitsAsync(id, new RiskLimits { Leverage = 20m });
        Assert.Equal(OrderStatus.PendingNew, (await account.SubmitOrderAsync(Specs.Submit(Buy(0.002m, 60000m)))).Order.Status);
    }

    [Fact]
    public async Task Without_a_known_venue_leverage_the_check_assumes_the_maximum_leverage_else_1x_and_says_so()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("lev-unknown");
        await _d.BalancesAsync(id, new VenueBalance("USDT", 1000m, 0m));

        // No leverage event and no derivatives connector in the test cluster: nothing to learn it from.
        var unknown = Denied(await account.SubmitOrderAsync(Specs.Submit(Buy(0.15m, 60000m))));
        Assert.Equal(9009m, unknown.WouldBe);
        Assert.Contains("at 1x leverage (the venue's leverage of BTCUSDT is not known and no maximum leverage is set)", unknown.Reason, StringComparison.Ordinal);

        await _d.SetLimitsAsync(id, new RiskLimits { Leverage = 10m });
        Assert.Equal(OrderStatus.PendingNew, (await account.SubmitOrderAsync(Specs.Submit(Buy(0.15m, 60000m)))).Order.Status);
        // 0.3 BTC = 18000 / 10 + 9 = 1809.
        var atMax = Denied(await account.SubmitOrderAsync(Specs.Submit(Buy(0.15m, 60000m))));
        Assert.Equal(1809m, atMax.WouldBe);
        Assert.Contains("at 10x leverage (the maximum leverage 10x: the venue's leverage of BTCUSDT is not known)", atMax.Reason, StringComparison.Ordinal);
    }
}
