namespace Oms.Contracts;

/// <summary>
/// The risk side of an account grain (same activation as <see cref="IAccountGrain"/>: <c>AccountGrain</c> implements
/// both under one key). Dry-run checks, sizing and equity are answered from the account's own state inside its turn.
/// </summary>
public interface IAccountRiskGrain : IGrainWithStringKey
{
    /// <summary>Runs the full pre-trade check set on an order without submitting it (the firm limit is checked, not reserved).</summary>
    [ReadOnly]
    Task<OrderCheckResult> CheckOrderAsync(OrderSpec spec);

    /// <summary>Sizes an order by the requested method and clamps it to every limit that applies (see <see cref="PositionSizer"/>).</summary>
    [ReadOnly]
    Task<SizingResult> CalculatePositionSizeAsync(SizingRequest request);

    /// <summary>Returns the account's equity now: balances valued at reference prices plus unrealized PnL of its derivatives legs.</summary>
    [ReadOnly]
    Task<AccountEquity> GetEquityAsync();

    /// <summary>Returns the account's worst-case exposure now (valuation asset), as the exposure limits measure it.</summary>
    [ReadOnly]
    Task<ExposureView> GetExposureAsync();

    /// <summary>Receives the firm's policy from the firm risk grain; older versions are ignored.</summary>
    Task ApplyFirmPolicyAsync(RiskPolicy firmPolicy);

    /// <summary>
    /// Closes every open position with reduce-only market orders (spot: sells the inventory the account's fills built,
    /// within the free balance), whatever the trading state. Returns the orders submitted and what could not be closed.
    /// </summary>
    Task<FlattenResult> FlattenAsync(string reason, string requestedBy);
}

/// <summary>
/// The firm-wide risk grain (key <see cref="GrainKeys.Firm"/>): holds each account's latest exposure claim and serialises
/// reservations, so concurrent orders on different accounts can never jointly pass the firm's gross or net exposure
/// limit. It never calls out (accounts call it inside their turn; the firm's <see cref="IRiskLimitGrain"/> pushes the
/// firm policy through it and then to every member account).
/// </summary>
public interface IFirmRiskGrain : IGrainWithStringKey
{
    /// <summary>Registers an account as a member (its exposure counts, it receives firm policy changes) and returns the firm policy.</summary>
    Task<RiskPolicy> JoinAsync(AccountId account);

    /// <summary>Grants or refuses an account's exposure as it would be with a new order; a grant records the claim.</summary>
    Task<FirmReservation> ReserveAsync(ExposureClaim claim);

    /// <summary>Judges a claim like <see cref="ReserveAsync"/> without recording it (dry run).</summary>
    [ReadOnly]
    Task<FirmReservation> CheckAsync(ExposureClaim claim);

    /// <summary>Replaces an account's claim after fills, cancels or price moves (never refused; older sequences ignored).</summary>
    [OneWay]
    Task UpdateClaimAsync(ExposureClaim claim);

    /// <summary>Stores the firm policy (called by the firm's risk-limit grain) and returns the accounts to push it to.</summary>
    Task<IReadOnlyList<AccountId>> ApplyPolicyAsync(RiskPolicy policy);

    [ReadOnly]
    Task<FirmExposureView> GetExposureAsync();

    /// <summary>The firm limits and the other accounts' exposure, so an account can judge sizes locally (position sizing).</summary>
    [ReadOnly]
    Task<FirmHeadroom> GetHeadroomAsync(AccountId account);
}

/// <summary>An account's worst-case exposure in the valuation asset, numbered so a late update never replaces a newer one.</summary>
[GenerateSerializer, Immutable, Alias("oms.ExposureClaim")]
public sealed record ExposureClaim(
    [property: Id(0)] AccountId Account,
    [property: Id(1)] long Sequence,
    [property: Id(2)] decimal Gross,
    [property: Id(3)] decimal NetLong,
    [property: Id(4)] decimal NetShort,
    [property: Id(5)] DateTimeOffset At)
{
    public decimal Net => Math.Max(Math.Abs(NetLong), Math.Abs(NetShort));
}

/// <summary>The firm's answer to a reservation: granted, or the denial with the firm totals.</summary>
[GenerateSerializer, Immutable, Alias("oms.FirmReservation")]
public sealed record FirmReservation(
    [property: Id(0)] Denial? Denial,
    [property: Id(1)] decimal FirmGross,
    [property: Id(2)] decimal FirmNet)
{
    public bool Granted => Denial is null;
}

[GenerateSerializer, Immutable, Alias("oms.FirmExposureView")]
public sealed record FirmExposureView
{
    [Id(0)] public required decimal Gross { get; init; }
    [Id(1)] public required decimal Net { get; init; }
    [Id(2)] public decimal? MaxGross { get; init; }
    [Id(3)] public decimal? MaxNet { get; init; }
    [Id(4)] public required IReadOnlyList<ExposureClaim> Accounts { get; init; }
    [Id(5)] public required int MemberCount { get; init; }
    [Id(6)] public required string Asset { get; init; }
}

/// <summary>The verdict of a dry-run check: the denial (null when the order would pass) and what the order would do to exposure.</summary>
[GenerateSerializer, Immutable, Alias("oms.OrderCheckResult")]
public sealed record OrderCheckResult
{
    [Id(0)] public Denial? Denial { get; init; }
    /// <summary>The order's notional in its quote asset, when it can be valued.</summary>
    [Id(1)] public decimal? Notional { get; init; }
    [Id(2)] public ExposureView? Before { get; init; }
    [Id(3)] public ExposureView? After { get; init; }

    public bool Passed => Denial is null;
}

/// <summary>Worst-case gross and net exposure in the valuation asset; instruments nothing could value are listed (left out).</summary>
[GenerateSerializer, Immutable, Alias("oms.ExposureView")]
public sealed record ExposureView(
    [property: Id(0)] decimal Gross,
    [property: Id(1)] decimal Net,
    [property: Id(2)] string Asset)
{
    [Id(3)] public IReadOnlyList<InstrumentId> Unvalued { get; init; } = [];
}

/// <summary>The firm's exposure limits and the sum of every other account's exposure (valuation asset).</summary>
[GenerateSerializer, Immutable, Alias("oms.FirmHeadroom")]
public sealed record FirmHeadroom(
    [property: Id(0)] decimal? MaxGross,
    [property: Id(1)] decimal? MaxNet,
    [property: Id(2)] decimal OthersGross,
    [property: Id(3)] decimal OthersNetLong,
    [property: Id(4)] decimal OthersNetShort,
    [property: Id(5)] decimal AccountGross,
    [property: Id(6)] decimal AccountNetLong,
    [property: Id(7)] decimal AccountNetShort,
    [property: Id(8)] string Asset);

/// <summary>An account's equity watch: the last equity, its high-water mark, drawdown and today's loss, and any breach.</summary>
[GenerateSerializer, Immutable, Alias("oms.EquityStatus")]
public sealed record EquityStatus
{
    [Id(0)] public required AccountId Account { get; init; }
    [Id(1)] public AccountEquity? Equity { get; init; }
    [Id(2)] public required EquityWatermark Watermark { get; init; }
    [Id(3)] public required decimal DrawdownPercent { get; init; }
    [Id(4)] public required decimal DailyLoss { get; init; }
    [Id(5)] public decimal? MaxDrawdownPercent { get; init; }
    [Id(6)] public decimal? MaxDailyLoss { get; init; }
    /// <summary>The breach found by the last check, if equity is through a limit.</summary>
    [Id(7)] public EquityBreach? Breach { get; init; }
    [Id(8)] public required TradingState TradingState { get; init; }
    /// <summary>Whether the periodic check (an Orleans reminder) is registered for this account.</summary>
    [Id(9)] public required bool PeriodicCheckActive { get; init; }
    [Id(10)] public TimeSpan? PeriodicCheckPeriod { get; init; }
}

/// <summary>What a flatten did: the reduce-only orders it submitted, and positions it could not close (with why).</summary>
[GenerateSerializer, Immutable, Alias("oms.FlattenResult")]
public sealed record FlattenResult(
    [property: Id(0)] IReadOnlyList<OrderSnapshot> Submitted,
    [property: Id(1)] IReadOnlyList<string> Skipped);

/// <summary>The drawdown part of an account's limits: the limits and what a breach does.</summary>
[GenerateSerializer, Immutable, Alias("oms.DrawdownSettings")]
public sealed record DrawdownSettings
{
    /// <summary>Maximum drawdown from the equity high-water mark in percent; null removes it.</summary>
    [Id(0)] public decimal? MaxDrawdownPercent { get; init; }
    /// <summary>Maximum loss since the start of the UTC day in the valuation asset; null removes it.</summary>
    [Id(1)] public decimal? MaxDailyLoss { get; init; }
    /// <summary>Reducing or Halted; null is Halted.</summary>
    [Id(2)] public TradingState? BreachAction { get; init; }
    [Id(3)] public bool CancelOrdersOnBreach { get; init; }
    [Id(4)] public bool FlattenOnBreach { get; init; }
}
