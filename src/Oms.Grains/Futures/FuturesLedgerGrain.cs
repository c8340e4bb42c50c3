namespace Oms.Grains.Futures;

/// <summary>
/// The persisted futures book of one account (<see cref="IFuturesLedgerGrain"/>): income rows booked exactly once by
/// (transaction id, type) with per-(instrument, asset) totals, and the audit of position corrections. Kept out of the
/// account grain's state so the order flow's writes stay small. Remembers the ids of every row inside the read
/// overlap window (older ids are never read again, since reads start at the cursor).
/// </summary>
public sealed class FuturesLedgerGrain : Grain, IFuturesLedgerGrain
{
    public const string StateName = "futures-ledger";

    /// <summary>Income reads start this long before the newest row booked: late rows with older times are still found.</summary>
    public static readonly TimeSpan ReadOverlap = TimeSpan.FromHours(1);

    private const int RecentRowLimit = 200;
    private const int CorrectionLimit = 200;

    private readonly IPersistentState<FuturesLedgerState> _state;
    private readonly ILogger<FuturesLedgerGrain> _logger;
    private readonly HashSet<(long, string)> _seen = [];

    public FuturesLedgerGrain([PersistentState(StateName, OmsStorage.Name)] IPersistentState<FuturesLedgerState> state, ILogger<FuturesLedgerGrain> logger)
    {
        _state = state;
        _logger = logger;
    }

    private FuturesLedgerState S => _state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var key in S.RecentIds) _seen.Add((key.TransactionId, key.Type));
        return Task.CompletedTask;
    }

    public async Task<int> BookIncomeAsync(IReadOnlyList<VenueIncome> rows, DateTimeOffset readThrough)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var added = 0;
        foreach (var row in rows.OrderBy(r => r.Time).ThenBy(r => r.TransactionId))
        {
            if (!_seen.Add((row.TransactionId, row.TypeText))) continue;
            S.RecentIds.Add(new IncomeKey(row.TransactionId, row.TypeText, row.Time));
            var key = TotalsKey(row.Instrument, row.Asset);
            var totals = S.Totals.GetValueOrDefault(key) ?? new FuturesLedgerTotals { Instrument = row.Instrument, Asset = row.Asset };
            S.Totals[key] = row.Type switch
            {
                VenueIncomeType.FundingFee => totals with { FundingFees = totals.FundingFees + row.Amount, Rows = totals.Rows + 1 },
                VenueIncomeType.Commission => totals with { Commissions = totals.Commissions + row.Amount, Rows = totals.Rows + 1 },
                VenueIncomeType.RealizedPnl => totals with { RealizedPnl = totals.RealizedPnl + row.Amount, Rows = totals.Rows + 1 },
                _ => totals with { Other = totals.Other + row.Amount, Rows = totals.Rows + 1 },
            };
            S.RecentRows.Add(row);
            S.TotalRows++;
            if (S.NewestRowTime is not { } newest || row.Time > newest) S.NewestRowTime = row.Time;
            added++;
        }
        if (S.SyncedThrough is not { } through || readThrough > through) S.SyncedThrough = readThrough;
        if (S.RecentRows.Count > RecentRowLimit) S.RecentRows.RemoveRange(0, S.RecentRows.Count - RecentRowLimit);
        // Ids older than the overlap window cannot be read again: forget them.
        if (S.NewestRowTime is { } last)
        {
            var horizon = last - ReadOverlap - TimeSpan.FromMinutes(5);
            var dropped = S.RecentIds.RemoveAll(k => k.Time < horizon);
            if (dropped > 0)
            {
                _seen.Clear();
                foreach (var k in S.RecentIds) _seen.Add((k.TransactionId, k.Type));
            }
        }
        await _state.WriteStateAsync();
        if (added > 0) _logger.LogInformation("Futures ledger {Account}: booked {Count} new income rows ({Total} in total)", this.GetPrimaryKeyString(), added, S.TotalRows);
        return added;
    }

    public Task<DateTimeOffset?> GetIncomeCursorAsync() =>
        Task.FromResult(S.NewestRowTime is { } newest ? newest - ReadOverlap : S.SyncedThrough is { } through ? through - ReadOverlap : (DateTimeOffset?)null);

    public Task<FuturesLedgerView> GetAsync() => Task.FromResult(new FuturesLedgerView
    {
        Totals = [.. S.Totals.Values.OrderBy(t => t.Instrument?.ToString() ?? string.Empty, StringComparer.Ordinal).ThenBy(t => t.Asset, StringComparer.Ordinal)],
        TotalRows = S.TotalRows,
        SyncedThrough = S.SyncedThrough,
        Corrections = [.. S.Corrections],
        RecentRows = [.. S.RecentRows],
    });

    public async Task RecordCorrectionAsync(FuturesPositionCorrection correction)
    {
        ArgumentNullException.ThrowIfNull(correction);
        S.Corrections.Add(correction);
        if (S.Corrections.Count > CorrectionLimit) S.Corrections.RemoveRange(0, S.Corrections.Count - CorrectionLimit);
        await _state.WriteStateAsync();
    }

    private static string TotalsKey(InstrumentId? instrument, string asset) => $"{instrument?.ToString() ?? "*"}|{asset}";
}

/// <summary>The persisted state of <see cref="FuturesLedgerGrain"/>.</summary>
[GenerateSerializer, Alias("oms.grains.FuturesLedgerState")]
public sealed class FuturesLedgerState
{
    /// <summary>Totals by "instrument|asset" ("*" for account-wide rows).</summary>
    [Id(0)] public Dictionary<string, FuturesLedgerTotals> Totals { get; set; } = [];
    /// <summary>Ids of the rows booked inside the read overlap window.</summary>
    [Id(1)] public List<IncomeKey> RecentIds { get; set; } = [];
    [Id(2)] public long TotalRows { get; set; }
    [Id(3)] public DateTimeOffset? NewestRowTime { get; set; }
    [Id(4)] public DateTimeOffset? SyncedThrough { get; set; }
    [Id(5)] public List<VenueIncome> RecentRows { get; set; } = [];
    [Id(6)] public List<FuturesPositionCorrection> Corrections { get; set; } = [];
}

/// <summary>The identity of a booked income row.</summary>
[GenerateSerializer, Immutable, Alias("oms.grains.IncomeKey")]
public sealed record IncomeKey([property: Id(0)] long TransactionId, [property: Id(1)] string Type, [property: Id(2)] DateTimeOffset Time);
