namespace Oms.Connectors.Abstractions;

/// <summary>
/// Where an account's venue sessions live. The account grain attaches its account when it activates (and right after
/// it is provisioned for the first time) and detaches it when it deactivates, so the sessions (trading WebSocket API
/// plus the user-data subscription) always run in the silo that hosts the single activation of the account.
/// Implementations return at once: connecting, subscribing and reconciling happen in the background.
/// </summary>
public interface IVenueAccountSessions
{
    /// <summary>Starts (or keeps) the account's sessions on <paramref name="venue"/> for <paramref name="markets"/>.</summary>
    Task AttachAsync(AccountId account, Venue venue, IReadOnlyList<MarketType> markets, CancellationToken cancellationToken = default);

    /// <summary>Stops the account's sessions after the commands already queued for it were sent.</summary>
    Task DetachAsync(AccountId account, CancellationToken cancellationToken = default);
}

/// <summary>
/// What a connector needs from the account's owner to reconcile it with the venue (implemented by the host over the
/// account grain): mark it reconciling, read what the OMS believes, and end the reconciliation.
/// </summary>
public interface IAccountReconciliationPort
{
    /// <summary>Marks the account as reconciling: new risk-increasing orders are denied (ACCOUNT_RECONCILING); cancels pass.</summary>
    Task BeginAsync(AccountId account, string reason, CancellationToken cancellationToken = default);

    /// <summary>Reads the orders still open in the OMS and where each instrument's trade history resumes.</summary>
    Task<AccountReconciliationView> GetViewAsync(AccountId account, CancellationToken cancellationToken = default);

    /// <summary>Ends the reconciliation: risk-increasing orders are accepted again.</summary>
    Task EndAsync(AccountId account, CancellationToken cancellationToken = default);
}

/// <summary>An order the OMS still considers open (working or with a request in flight).</summary>
[GenerateSerializer, Immutable, Alias("oms.TrackedOrder")]
public sealed record TrackedOrder
{
    [Id(0)] public required ClientOrderId ClientOrderId { get; init; }
    [Id(1)] public required InstrumentId Instrument { get; init; }
    [Id(2)] public VenueOrderId? VenueOrderId { get; init; }
    [Id(3)] public required OrderStatus Status { get; init; }
    [Id(4)] public required decimal Quantity { get; init; }
    [Id(5)] public required decimal FilledQuantity { get; init; }
    [Id(6)] public decimal? LimitPrice { get; init; }
    [Id(7)] public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The last applied trade of one instrument: reconciliation fetches the venue's trades after it.</summary>
[GenerateSerializer, Immutable, Alias("oms.TradeCursor")]
public sealed record TradeCursor([property: Id(0)] InstrumentId Instrument, [property: Id(1)] TradeId TradeId, [property: Id(2)] DateTimeOffset Timestamp);

/// <summary>What the OMS believes about an account, for reconciliation.</summary>
[GenerateSerializer, Immutable, Alias("oms.AccountReconciliationView")]
public sealed record AccountReconciliationView
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public required IReadOnlyList<TrackedOrder> OpenOrders { get; init; }
    [Id(2)] public required IReadOnlyList<TradeCursor> TradeCursors { get; init; }
    /// <summary>Instruments the account ever traded.</summary>
    [Id(3)] public IReadOnlyList<InstrumentId> TradedInstruments { get; init; } = [];
}
