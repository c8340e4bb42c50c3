using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Oms.Grains.Tests.Unit;

public sealed class TradingStateMachineTests
{
    [Theory]
    [InlineData(TradingState.Active, TradingState.Reducing, true)]
    [InlineData(TradingState.Active, TradingState.Halted, true)]
    [InlineData(TradingState.Reducing, TradingState.Halted, true)]
    [InlineData(TradingState.Reducing, TradingState.Active, false)]
    [InlineData(TradingState.Halted, TradingState.Reducing, false)]
    [InlineData(TradingState.Halted, TradingState.Active, false)]
    public void Automatic_moves_only_tighten_while_manual_moves_go_anywhere(TradingState from, TradingState to, bool automaticAllowed)
    {
        var automatic = TradingStateMachine.Move(from, to, TradingStateChangeKind.Automatic);
        var manual = TradingStateMachine.Move(from, to, TradingStateChangeKind.Manual);

        Assert.Equal(automaticAllowed, automatic.Allowed);
        Assert.Equal(automaticAllowed ? to : from, automatic.To);
        Assert.Equal(automaticAllowed, automatic.Error is null);
        Assert.True(manual.Allowed);
        Assert.True(manual.Changed);
    }

    [Fact]
    public void Staying_is_allowed_and_unknown_states_are_refused()
    {
        Assert.False(TradingStateMachine.Move(TradingState.Halted, TradingState.Halted, TradingStateChangeKind.Automatic).Changed);
        Assert.False(TradingStateMachine.Move(TradingState.Active, (TradingState)9, TradingStateChangeKind.Manual).Allowed);
    }
}

public sealed class ClientOrderIdsTests
{
    [Theory]
    [InlineData(Venue.Binance, "oms-")]
    [InlineData(Venue.Bybit, "oms-")]
    [InlineData(Venue.Okx, "oms")]
    public void Generated_ids_are_legal_on_their_venue_even_at_the_largest_number(Venue venue, string start)
    {
        var hash = ClientOrderIds.AccountHash(new AccountId("acc-1"));
        var longest = ClientOrderIds.Create(venue, "abcdefgh", hash, long.MaxValue);
        var first = ClientOrderIds.Create(venue, "oms", hash, 1);

        Assert.StartsWith(start, first.Value, StringComparison.Ordinal);
        Assert.Null(ClientOrderIds.Problem(venue, longest));
        Assert.True(longest.Value.Length <= (venue == Venue.Okx ? 32 : 36));
        Assert.Equal(hash, ClientOrderIds.AccountHash(new AccountId("acc-1")));
        Assert.NotEqual(hash, ClientOrderIds.AccountHash(new AccountId("acc-2")));
    }

    [Fact]
    public void Strategy_ids_are_checked_against_the_venue_rules()
    {
        Assert.NotNull(ClientOrderIds.Problem(Venue.Okx, new ClientOrderId("has-dash")));
        Assert.NotNull(ClientOrderIds.Problem(Venue.Bybit, new ClientOrderId("has:colon")));
        Assert.Null(ClientOrderIds.Problem(Venue.Binance, new ClientOrderId("a.b:c/d_e-f")));
        Assert.False(ClientOrderIds.IsValidPrefix("too-long-"));
        Assert.False(ClientOrderIds.IsValidPrefix(""));
        Assert.True(ClientOrderIds.IsValidPrefix("Desk7"));
    }
}

public sealed class FeeValuationTests
{
    private static Fill Fill(OrderSide side, decimal fee, string asset, InstrumentId? instrument = null) => new()
    {
        Instrument = instrument ?? TestInstruments.BtcSpot,
        TradeId = new TradeId("1"),
        ClientOrderId = new ClientOrderId("c"),
        Side = side,
        Quantity = 0.01m,
        Price = 50000m,
        Fee = fee,
        FeeAsset = asset,
        Timestamp = TestEnvironment.Start,
    };

    [Fact]
    public void Fees_are_expensed_by_asset()
    {
        var prices = new TestPrices();
        prices.Set(TestInstruments.BnbSpot, 500m);

        Assert.Equal(new FeeEffect(0.5m, 0m, null), FeeValuation.Evaluate(Fill(OrderSide.Buy, 0.5m, "USDT"), TestInstruments.BtcSpotSpec, prices));
        Assert.Equal(new FeeEffect(0.5m, 0.00001m, null), FeeValuation.Evaluate(Fill(OrderSide.Buy, 0.00001m, "BTC"), TestInstruments.BtcSpotSpec, prices));
        Assert.Equal(new FeeEffect(0.5m, 0.00001m, null), FeeValuation.Evaluate(Fill(OrderSide.Sell, 0.00001m, "BTC"), TestInstruments.BtcSpotSpec, prices));
        Assert.Equal(new FeeEffect(0.5m, 0m, null), FeeValuation.Evaluate(Fill(OrderSide.Buy, 0.001m, "BNB"), TestInstruments.BtcSpotSpec, prices));
        // Perpetual fees in BNB fall back to the spot price; a base-asset fee on a perpetual never changes the position.
        Assert.Equal(new FeeEffect(0.5m, 0m, null), FeeValuation.Evaluate(Fill(OrderSide.Buy, 0.001m, "BNB", TestInstruments.BtcPerp), TestInstruments.BtcPerpSpec, prices));
        Assert.Equal(new FeeEffect(0.5m, 0m, null), FeeValuation.Evaluate(Fill(OrderSide.Buy, 0.00001m, "BTC", TestInstruments.BtcPerp), TestInstruments.BtcPerpSpec, prices));
        Assert.Equal(new FeeEffect(0m, 0m, new Money(3m, "XYZ")), FeeValuation.Evaluate(Fill(OrderSide.Buy, 3m, "XYZ"), TestInstruments.BtcSpotSpec, prices));
        // A base fee as large as the bought quantity is impossible: it is expensed, never taken from inventory.
        Assert.Equal(0m, FeeValuation.Evaluate(Fill(OrderSide.Buy, 0.01m, "BTC"), TestInstruments.BtcSpotSpec, prices).BaseAssetFee);
    }
}

public sealed class RegistrationTests
{
    [Fact]
    public void AddOmsGrains_registers_options_journal_and_a_clock_defaulting_to_the_hosts()
    {
        var hostClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(hostClock).AddOmsGrains(o => o.ClosedOrderRetention = 10);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(10, provider.GetRequiredService<IOptions<OmsGrainOptions>>().Value.ClosedOrderRetention);
        Assert.IsType<InMemoryExecutionReportJournal>(provider.GetRequiredService<IExecutionReportJournal>());
        Assert.Same(hostClock, provider.GetRequiredKeyedService<TimeProvider>(OmsGrainsServiceCollectionExtensions.ClockServiceKey));
    }

    [Fact]
    public void Invalid_options_are_reported_together()
    {
        var result = new OmsGrainOptionsValidator().Validate(null, new OmsGrainOptions { ClosedOrderRetention = 0, MaxReadWait = TimeSpan.FromMinutes(1) });

        Assert.True(result.Failed);
        Assert.Contains("ClosedOrderRetention must be at least 1", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxReadWait must be at most 25 s", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_in_memory_journal_is_idempotent_by_sequence_and_bounded()
    {
        var journal = new InMemoryExecutionReportJournal(Options.Create(new OmsGrainOptions { InMemoryJournalCapacityPerAccount = 3 }));
        var account = new AccountId("j");
        ExecutionReport Report(long sequence) => new(sequence,
            new OrderCanceled { Account = account, ClientOrderId = new ClientOrderId("c"), Timestamp = TestEnvironment.Start, Status = OrderStatus.Canceled },
            null!);

        await journal.AppendAsync(account, [Report(1), Report(2)]);
        await journal.AppendAsync(account, [Report(2), Report(3), Report(4)]);

        Assert.Equal([2L, 3, 4], (await journal.ReadAsync(account, 0, 10)).Select(r => r.Sequence));
        Assert.Equal([4L], (await journal.ReadAsync(account, 3, 10)).Select(r => r.Sequence));
        Assert.Empty(await journal.ReadAsync(new AccountId("other"), 0, 10));
    }
}
