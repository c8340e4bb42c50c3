using System.Diagnostics.Metrics;
using Oms.Observability;
using static Oms.Grains.Tests.Infrastructure.TestInstruments;

namespace Oms.Grains.Tests.Risk;

/// <summary>
/// The risk gauges an account reports on the OMS meter (equity, high-water mark, drawdown, gross and net exposure,
/// trading state; tag: account only), and exit legs in the Reducing state: the two exit legs of a bracket, each sized
/// to the whole position, both pass, while ordinary orders that could flip the position together do not.
/// </summary>
[Collection(RiskClusterCollection.Name)]
public sealed class RiskGaugeAndExitLegTests(RiskClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly RiskDriver _d = new(fixture.Grains);

    private static OrderSpec StopSell(decimal quantity, decimal stop, PositionSide positionSide = PositionSide.Both) => new()
    {
        Instrument = BtcPerp,
        Side = OrderSide.Sell,
        Type = OrderType.StopMarket,
        Quantity = quantity,
        StopPrice = stop,
        ReduceOnly = positionSide == PositionSide.Both,
        PositionSide = positionSide,
    };

    [Fact]
    public async Task The_account_gauges_report_equity_high_water_mark_drawdown_exposure_and_trading_state()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("gauges");
        var risk = _grains.GetRiskLimit(id);
        await _d.BalancesAsync(id, new VenueBalance("USDT", 50000m, 0m));
        await _d.SetLimitsAsync(id, new RiskLimits { MaxDrawdownPercent = 50m, MaxGrossExposure = 1_000_000m });
        await _d.FilledAsync(id, Specs.Limit(BtcPerp, OrderSide.Buy, 0.5m, 60000m));
        // A resting bid of 0.1, acknowledged: the worst case is 0.6 BTC long = 36000 USDT gross and net.
        var bid = (await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Buy, 0.1m, 59000m)))).Order;
        await _d.SendAsync(id, VenueDriver.Update(id, bid, VenueOrderEventKind.Accepted, VenueDriver.NewVenueOrderId()));
        await risk.CheckEquityAsync();

        var first = AccountGauges.Read(id);
        Assert.Equal((36000d, 36000d, 1L), (first.Gross, first.Net, first.TradingState));
        Assert.Equal((50000d, 50000d, 0d), (first.Equity, first.HighWaterMark, first.Drawdown));

        // The price falls 3 000: 0.5 BTC loses 1 500 (3 % of 50 000); the exposure is re-marked on the next venue event.
        RiskEnvironment.Prices.Set(BtcPerp, 57000m);
        await risk.CheckEquityAsync();
        await _d.SendAsync(id, VenueDriver.Update(id, bid, VenueOrderEventKind.Canceled));
        var fallen = AccountGauges.Read(id);
        Assert.Equal((48500d, 50000d, 0.03d), (fallen.Equity, fallen.HighWaterMark, fallen.Drawdown));
        Assert.Equal((28500d, 28500d), (fallen.Gross, fallen.Net));

        // The kill switch: the trading state gauge follows the policy the account enforces.
        await risk.SetTradingStateAsync(TradingState.Halted, "gauge test", "risk-tests");
        Assert.Equal(3L, AccountGauges.Read(id).TradingState);
        await risk.SetTradingStateAsync(TradingState.Reducing, "gauge test", "risk-tests");
        Assert.Equal(2L, AccountGauges.Read(id).TradingState);

        // Only the account tag: no instrument, order or price on these series.
        Assert.All(AccountGauges.Measure(id), m => Assert.Equal(new[] { OmsTelemetry.Tags.Account }, m.Tags.Select(t => t.Key)));
    }

    [Fact]
    public async Task A_silo_stops_reporting_an_account_whose_grain_deactivated_and_the_next_activation_reports_again()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("gauges-deactivate");
        await _d.FilledAsync(id, Specs.Limit(BtcPerp, OrderSide.Buy, 0.2m, 60000m));
        Assert.Equal((12000d, 1L), (AccountGauges.Read(id).Gross, AccountGauges.Read(id).TradingState));

        await account.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.Until(() => Task.FromResult(AccountGauges.Measure(id)), m => m.Count == 0, "the account's gauges to be removed after deactivation");

        // Any call activates it again; the activation reports its exposure and state at once.
        await account.GetInfoAsync();
        Assert.Equal((12000d, 1L), (AccountGauges.Read(id).Gross, AccountGauges.Read(id).TradingState));
    }

    [Fact]
    public async Task In_the_reducing_state_both_exit_legs_of_a_bracket_sized_to_the_whole_position_pass()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("exit-legs");
        await _d.SetLimitsAsync(id, new RiskLimits { MaxGrossExposure = 1_000_000m, PriceBandPercent = 10m });
        await _d.FilledAsync(id, Specs.Limit(BtcPerp, OrderSide.Buy, 1m, 60000m));
        await _grains.GetRiskLimit(id).SetTradingStateAsync(TradingState.Reducing, "exit legs only", "risk-tests");

        var stopLoss = await account.SubmitOrderAsync(Specs.Submit(StopSell(1m, 57000m)));
        var takeProfit = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Sell, 1m, 63000m, reduceOnly: true)));
        // An ordinary sell closing the whole position: the reduce-only legs cannot flip it with this one.
        var close = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Sell, 1m, 60500m)));
        // A second ordinary sell could fill as well and take the position short: refused.
        var flip = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Sell, 0.5m, 60600m)));
        var adds = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Buy, 0.1m, 59000m)));

        Assert.Equal((OrderStatus.PendingNew, OrderStatus.PendingNew, OrderStatus.PendingNew),
            (stopLoss.Order.Status, takeProfit.Order.Status, close.Order.Status));
        Assert.Equal((DenialCode.TradingReducingOnly, DenialCode.TradingReducingOnly), (flip.Order.Denial?.Code, adds.Order.Denial?.Code));
    }

    [Fact]
    public async Task In_hedge_mode_both_closing_exit_legs_pass_the_reducing_state_and_a_larger_close_is_refused()
    {
        RiskEnvironment.Prices.Set(BtcPerp, 60000m);
        var (id, account) = await _d.NewAccountAsync("exit-legs-hedge", PositionMode.Hedge);
        await _d.FilledAsync(id, Specs.Limit(BtcPerp, OrderSide.Buy, 1m, 60000m, PositionSide.Long));
        await _grains.GetRiskLimit(id).SetTradingStateAsync(TradingState.Reducing, "exit legs only", "risk-tests");

        var stopLoss = await account.SubmitOrderAsync(Specs.Submit(StopSell(1m, 57000m, PositionSide.Long)));
        var takeProfit = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Sell, 1m, 63000m, PositionSide.Long)));
        var tooLarge = await account.SubmitOrderAsync(Specs.Submit(Specs.Limit(BtcPerp, OrderSide.Sell, 1.5m, 63000m, PositionSide.Long)));

        Assert.Equal((OrderStatus.PendingNew, OrderStatus.PendingNew), (stopLoss.Order.Status, takeProfit.Order.Status));
        Assert.Equal((DenialCode.ReduceOnlyWouldIncrease, 1m, 1.5m), (tooLarge.Order.Denial!.Code, tooLarge.Order.Denial.Limit!.Value, tooLarge.Order.Denial.WouldBe!.Value));
    }
}

/// <summary>Reads the account gauges of the OMS meter as a metrics exporter would (one collection through a <see cref="MeterListener"/>).</summary>
internal static class AccountGauges
{
    public sealed record Reading(double Equity, double HighWaterMark, double Drawdown, double Gross, double Net, long TradingState);

    public sealed record Measured(string Instrument, double Value, IReadOnlyList<KeyValuePair<string, object?>> Tags);

    public static Reading Read(AccountId account)
    {
        var measured = Measure(account);
        double Value(string name) => measured.SingleOrDefault(m => m.Instrument == name)?.Value ?? double.NaN;
        return new Reading(
            Value(OmsTelemetry.Names.AccountEquity),
            Value(OmsTelemetry.Names.AccountEquityHighWaterMark),
            Math.Round(Value(OmsTelemetry.Names.AccountDrawdown), 10),
            Value(OmsTelemetry.Names.AccountExposureGross),
            Value(OmsTelemetry.Names.AccountExposureNet),
            (long)Value(OmsTelemetry.Names.AccountTradingState));
    }

    public static List<Measured> Measure(AccountId account)
    {
        string[] names =
        [
            OmsTelemetry.Names.AccountEquity, OmsTelemetry.Names.AccountEquityHighWaterMark, OmsTelemetry.Names.AccountDrawdown,
            OmsTelemetry.Names.AccountExposureGross, OmsTelemetry.Names.AccountExposureNet, OmsTelemetry.Names.AccountTradingState,
        ];
        var measured = new List<Measured>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OmsTelemetry.MeterName && names.Contains(instrument.Name)) l.EnableMeasurementEvents(instrument);
        };
        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var list = tags.ToArray();
            if (list.Any(t => t.Key == OmsTelemetry.Tags.Account && Equals(t.Value, account.Value))) measured.Add(new Measured(instrument.Name, value, list));
        }
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;
    }
}
