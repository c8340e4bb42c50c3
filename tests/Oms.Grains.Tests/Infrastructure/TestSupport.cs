namespace Oms.Grains.Tests.Infrastructure;

/// <summary>Unique accounts, provisioning and order specs for the grain tests.</summary>
public static class TestAccounts
{
    public static AccountId New(string purpose) => new($"t-{purpose}-{Guid.NewGuid():N}"[..Math.Min(64, purpose.Length + 35)]);

    public static AccountConfig Binance(PositionMode mode = PositionMode.OneWay) => new()
    {
        Venue = Venue.Binance,
        Markets = [MarketType.Spot, MarketType.UsdMFutures],
        PositionMode = mode,
        ClientOrderIdPrefix = "oms",
    };

    public static async Task<IAccountGrain> Provision(this IGrainFactory grains, AccountId account, AccountConfig? config = null)
    {
        var grain = grains.GetAccount(account);
        await grain.ProvisionAsync(config ?? Binance());
        return grain;
    }
}

public static class Specs
{
    public static OrderSpec Limit(InstrumentId instrument, OrderSide side, decimal quantity, decimal price, PositionSide positionSide = PositionSide.Both, bool reduceOnly = false) => new()
    {
        Instrument = instrument,
        Side = side,
        Type = OrderType.Limit,
        Quantity = quantity,
        LimitPrice = price,
        PositionSide = positionSide,
        ReduceOnly = reduceOnly,
    };

    public static OrderSpec Market(InstrumentId instrument, OrderSide side, decimal quantity, PositionSide positionSide = PositionSide.Both, bool reduceOnly = false) => new()
    {
        Instrument = instrument,
        Side = side,
        Type = OrderType.Market,
        Quantity = quantity,
        PositionSide = positionSide,
        ReduceOnly = reduceOnly,
    };

    public static SubmitOrder Submit(OrderSpec spec, string? clientOrderId = null) => new()
    {
        Spec = spec,
        ClientOrderId = clientOrderId is null ? null : new ClientOrderId(clientOrderId),
        RequestedBy = "grain-tests",
    };
}

/// <summary>Waits for an eventually-true condition (generous timeouts: waiting only, never a timing assertion).</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}; last value: {value}");
            await Task.Delay(25);
        }
    }
}

public static class ReportReading
{
    /// <summary>Reads every report after <paramref name="after"/> without waiting.</summary>
    public static async Task<List<ExecutionReport>> ReadAll(this IAccountGrain account, long after = 0)
    {
        var all = new List<ExecutionReport>();
        while (true)
        {
            var batch = await account.ReadExecutionReportsAsync(after, 100, TimeSpan.Zero);
            Assert.False(batch.Truncated, $"reports after {after} were truncated (first available {batch.FirstAvailableSequence})");
            if (batch.Reports.Count == 0) return all;
            all.AddRange(batch.Reports);
            after = batch.Reports[^1].Sequence;
        }
    }

    public static void AssertGapFree(IReadOnlyList<ExecutionReport> reports, long first = 1)
    {
        for (var i = 0; i < reports.Count; i++) Assert.Equal(first + i, reports[i].Sequence);
    }
}

public static class OrderAssert
{
    /// <summary>Compares two snapshots field by field (the fee list is compared by content).</summary>
    public static void Same(OrderSnapshot? expected, OrderSnapshot? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Fees, actual.Fees);
        Assert.Equal(expected with { Fees = [] }, actual with { Fees = [] });
    }
}
