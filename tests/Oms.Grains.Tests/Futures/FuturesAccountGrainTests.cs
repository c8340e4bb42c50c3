namespace Oms.Grains.Tests.Futures;

/// <summary>The futures side of the account grain and its ledger, in the test cluster (whose venue has no derivatives connector).</summary>
[Collection(ClusterCollection.Name)]
public sealed class FuturesAccountGrainTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly VenueDriver _venue = new(fixture.Grains);

    [Fact]
    public async Task Income_rows_are_booked_once_by_transaction_id_with_totals_per_instrument()
    {
        var account = TestAccounts.New("ledger");
        var ledger = _grains.GetGrain<IFuturesLedgerGrain>(account.Value);
        Assert.Null(await ledger.GetIncomeCursorAsync());
        var t0 = TestEnvironment.Start;
        VenueIncome Row(long id, VenueIncomeType type, decimal amount, int minutes, InstrumentId? instrument = null) => new()
        {
            Instrument = instrument ?? TestInstruments.BtcPerp, Type = type, TypeText = type.ToString().ToUpperInvariant(), Amount = amount, Asset = "USDT",
            Time = t0.AddMinutes(minutes), TransactionId = id,
        };
        var first = new[]
        {
            Row(1, VenueIncomeType.RealizedPnl, 12.5m, 1),
            Row(1, VenueIncomeType.Commission, -0.4m, 1),
            Row(2, VenueIncomeType.FundingFee, -0.31m, 2),
            Row(3, VenueIncomeType.Transfer, 100m, 3) with { Instrument = null },
        };
        Assert.Equal(4, await ledger.BookIncomeAsync(first, t0.AddMinutes(3)));
        // The same rows again (an overlapping read, a read after a reconnect) and one new one.
        Assert.Equal(1, await ledger.BookIncomeAsync([.. first, Row(4, VenueIncomeType.FundingFee, -0.29m, 10)], t0.AddMinutes(10)));
        Assert.Equal(0, await ledger.BookIncomeAsync(first, t0.AddMinutes(11)));

        var view = await ledger.GetAsync();
        Assert.Equal(5, view.TotalRows);
        var btc = view.Totals.Single(t => t.Instrument == TestInstruments.BtcPerp);
        Assert.Equal(12.5m, btc.RealizedPnl);
        Assert.Equal(-0.4m, btc.Commissions);
        Assert.Equal(-0.60m, btc.FundingFees);
        Assert.Equal(4, btc.Rows);
        Assert.Equal(100m, view.Totals.Single(t => t.Instrument is null).Other);
        Assert.Equal(t0.AddMinutes(10) - TimeSpan.FromHours(1), await ledger.GetIncomeCursorAsync());
    }

    [Fact]
    public async Task Settings_changes_are_refused_with_what_failed_for_what()
    {
        var account = TestAccounts.New("fset");
        var futures = _grains.GetGrain<IFuturesAccountGrain>(account.Value);
        var missing = await futures.SetLeverageAsync(TestInstruments.BtcPerp, 10, "test");
        Assert.Equal(FuturesSettingError.AccountNotFound, missing.Error);

        await _grains.Provision(account);
        var spot = await futures.SetLeverageAsync(TestInstruments.BtcSpot, 10, "test");
        Assert.Equal(FuturesSettingError.InvalidArgument, spot.Error);
        Assert.Contains("Spot", spot.Message, StringComparison.Ordinal);
        var unknown = await futures.SetLeverageAsync(new InstrumentId(Venue.Binance, MarketType.UsdMFutures, "NOPEUSDT"), 10, "test");
        Assert.Equal(FuturesSettingError.InvalidArgument, unknown.Error);
        Assert.Contains("NOPEUSDT", unknown.Message, StringComparison.Ordinal);
        var range = await futures.SetLeverageAsync(TestInstruments.BtcPerp, 0, "test");
        Assert.Equal(FuturesSettingError.InvalidArgument, range.Error);
        Assert.Contains("between 1 and 125", range.Message, StringComparison.Ordinal);
        // Valid, but no derivatives connector runs in the test silo: nothing is sent and the answer says so.
        var noConnector = await futures.SetLeverageAsync(TestInstruments.BtcPerp, 10, "test");
        Assert.Equal(FuturesSettingError.VenueUnavailable, noConnector.Error);
        Assert.Contains("connector", noConnector.Message, StringComparison.Ordinal);

        // An open position blocks margin type and position mode changes before the venue is asked.
        await _venue.Send(account, VenueDriver.Fill(account, TestInstruments.BtcPerp, new ClientOrderId("ext-1"), OrderSide.Buy, 0.25m, 60000m));
        var margin = await futures.SetMarginTypeAsync(TestInstruments.BtcPerp, VenueMarginType.Isolated, "test");
        Assert.Equal(FuturesSettingError.FailedPrecondition, margin.Error);
        Assert.Contains("open position", margin.Message, StringComparison.Ordinal);
        Assert.Contains("0.25", margin.Message, StringComparison.Ordinal);
        var mode = await futures.SetPositionModeAsync(Venue.Binance, MarketType.UsdMFutures, PositionMode.Hedge, "test");
        Assert.Equal(FuturesSettingError.FailedPrecondition, mode.Error);
        Assert.Contains(TestInstruments.BtcPerp.ToString(), mode.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_position_leg_is_corrected_to_the_venue_only_when_the_same_difference_is_seen_again_with_no_fill_in_between()
    {
        var account = TestAccounts.New("fcorr");
        await _grains.Provision(account);
        var ledger = _grains.GetGrain<IFuturesLedgerGrain>(account.Value);
        await _venue.Send(account, VenueDriver.Fill(account, TestInstruments.BtcPerp, new ClientOrderId("ext-2"), OrderSide.Buy, 0.010m, 60000m));
        VenuePositionUpdate Snapshot(decimal quantity) => new()
        {
            Account = account,
            Timestamp = TestEnvironment.Clock.GetUtcNow(),
            Source = VenueEventSource.Reconciliation,
            IsSnapshot = true,
            Positions = [new VenuePosition { Instrument = TestInstruments.BtcPerp, PositionSide = PositionSide.Both, Quantity = quantity, EntryPrice = 60000m }],
        };

        // First sighting: only remembered. A fill then changes the OMS's leg: the earlier sighting no longer counts.
        await _venue.Send(account, Snapshot(0.015m));
        TestEnvironment.Clock.Advance(TimeSpan.FromSeconds(3));
        await _venue.Send(account, VenueDriver.Fill(account, TestInstruments.BtcPerp, new ClientOrderId("ext-3"), OrderSide.Buy, 0.002m, 60000m));
        await _venue.Send(account, Snapshot(0.015m));
        Assert.Empty((await ledger.GetAsync()).Corrections);

        // Seen again later with no fill in between: the leg takes the venue's quantity, audited in the ledger.
        TestEnvironment.Clock.Advance(TimeSpan.FromSeconds(3));
        await _venue.Send(account, Snapshot(0.015m));
        // The audit is written to the ledger after the account's own state write.
        var audited = await Eventually.Until(() => ledger.GetAsync(), v => v.Corrections.Count > 0, "the correction in the ledger");
        var correction = Assert.Single(audited.Corrections);
        Assert.Equal(0.012m, correction.OmsQuantity);
        Assert.Equal(0.015m, correction.VenueQuantity);
        Assert.Equal(TestInstruments.BtcPerp, correction.Instrument);
        Assert.Contains("0.012", correction.Reason, StringComparison.Ordinal);

        // The account's leg is now the venue's: later snapshots agree, so nothing more is corrected (had the leg kept
        // 0.012, two more sightings 3 s apart would correct it again).
        TestEnvironment.Clock.Advance(TimeSpan.FromSeconds(3));
        await _venue.Send(account, Snapshot(0.015m));
        TestEnvironment.Clock.Advance(TimeSpan.FromSeconds(3));
        await _venue.Send(account, Snapshot(0.015m));
        await Task.Delay(200);
        Assert.Single((await ledger.GetAsync()).Corrections);
    }
}
