namespace Oms.Grains;

/// <summary>
/// The per-order part of the pre-trade check for one new order, in the account grain's terms (its config and cached
/// policy). The account grain itself builds a full <see cref="PreTradeRequest"/> (book, balances, firm policy); this
/// context is the small form used where only the per-order checks matter.
/// </summary>
public sealed record PreTradeContext
{
    public required AccountId Account { get; init; }
    public required AccountConfig Config { get; init; }
    public required OrderSpec Spec { get; init; }
    public required InstrumentSpec Instrument { get; init; }
    /// <summary>The reference price of the instrument, when market data has one.</summary>
    public decimal? ReferencePrice { get; init; }
    public required RiskPolicy Policy { get; init; }
    public bool Reconciling { get; init; }
    /// <summary>Whether the order reduces the current position (see <see cref="PreTradeRiskCheck.Reduces"/>).</summary>
    public bool ReducesPosition { get; init; }
    /// <summary>The account's open orders before this one.</summary>
    public int OpenOrderCount { get; init; }
    /// <summary>Orders the account sent within the last second (sliding window) before this one.</summary>
    public int OrdersInLastSecond { get; init; }
    /// <summary>The account's book (positions and open orders); null is an empty book.</summary>
    public RiskBook? Book { get; init; }
    public BalanceView? Balances { get; init; }
    /// <summary>The firm's policy (limits that cap the account's, firm trading state); null when none is set.</summary>
    public RiskPolicy? FirmPolicy { get; init; }

    /// <summary>The domain request this context describes.</summary>
    public PreTradeRequest ToRequest() => new()
    {
        Account = Account,
        Venue = Config.Venue,
        Markets = Config.Markets,
        PositionMode = Config.PositionMode,
        Spec = Spec,
        Instrument = Instrument,
        ReferencePrice = ReferencePrice,
        Limits = Policy.Limits,
        TradingState = Policy.TradingState,
        TradingStateReason = Policy.TradingStateReason,
        FirmLimits = FirmPolicy?.Limits,
        FirmTradingState = FirmPolicy?.TradingState ?? TradingState.Active,
        FirmTradingStateReason = FirmPolicy?.TradingStateReason,
        Reconciling = Reconciling,
        ReducesPosition = ReducesPosition,
        OpenOrderCount = OpenOrderCount,
        OrdersInLastSecond = OrdersInLastSecond,
        Book = Book,
        Balances = Balances,
    };
}

/// <summary>
/// The pre-trade checks in the account grain's terms. The check set itself is <see cref="PreTradeRiskEngine"/> (pure,
/// in the domain); this class adapts the account's config and policy to it and keeps the per-check entry points.
/// </summary>
public static class PreTradeRiskCheck
{
    /// <summary>Runs every check in order. Returns the first denial, or null.</summary>
    public static Denial? Check(PreTradeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PreTradeRiskEngine.Evaluate(context.ToRequest()).Denial;
    }

    /// <summary>The instrument must be on the account's venue and in one of its markets; position sides must match the position mode.</summary>
    public static Denial? CheckAccountScope(AccountId account, AccountConfig config, OrderSpec spec)
    {
        ArgumentNullException.ThrowIfNull(config);
        return PreTradeRiskEngine.CheckAccountScope(account, config.Venue, config.Markets, config.PositionMode, spec);
    }

    /// <inheritdoc cref="PreTradeRiskEngine.CheckFilters"/>
    public static Denial? CheckFilters(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice) =>
        PreTradeRiskEngine.CheckFilters(spec, instrument, referencePrice);

    /// <inheritdoc cref="PreTradeRiskEngine.CheckTradingState"/>
    public static Denial? CheckTradingState(AccountId account, OrderSpec spec, TradingState state, bool reconciling, bool reducesPosition) =>
        PreTradeRiskEngine.CheckTradingState(account, spec, state, reconciling, reducesPosition);

    /// <summary>Per-order limits, open-order cap, price band and order rate of one level's limits.</summary>
    public static Denial? CheckLimits(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice, RiskLimits limits, int openOrderCount, int ordersInLastSecond)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var resolved = RiskLimitHierarchy.Resolve(null, limits, spec.Instrument, spec.StrategyTag);
        return PreTradeRiskEngine.CheckOrderLimits(spec, instrument, referencePrice, resolved)
            ?? PreTradeRiskEngine.CheckCounts(resolved, openOrderCount, ordersInLastSecond, 0);
    }

    /// <inheritdoc cref="PreTradeRiskEngine.Reduces"/>
    public static bool Reduces(OrderSpec spec, decimal legQuantity, decimal pendingReduction, decimal? referencePrice) =>
        PreTradeRiskEngine.Reduces(spec, legQuantity, pendingReduction, referencePrice);

    /// <summary>The order's notional in the quote asset, or null when it cannot be valued.</summary>
    public static decimal? Notional(OrderSpec spec, InstrumentSpec instrument, decimal? referencePrice) =>
        PreTradeRiskEngine.Notional(spec, instrument, referencePrice);

    internal static string Fmt(decimal value) => PreTradeRiskEngine.Fmt(value);
}
