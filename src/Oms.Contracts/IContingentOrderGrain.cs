namespace Oms.Contracts;

/// <summary>
/// One contingent-order strategy of one account (key: <see cref="ContingentOrderIds.GrainKey"/>): a bracket, an iceberg
/// or a trailing stop. It places, resizes and cancels its child orders through the account; the account tells it when a
/// child changes, and it re-reads its children from the account on activation and on a timer, so a lost notification
/// only delays it. Every step is idempotent (children have deterministic client order ids), and the state is written
/// before each child is submitted, so it resumes after a failover without placing anything twice.
/// </summary>
public interface IContingentOrderGrain : IGrainWithStringKey
{
    /// <summary>Submits a bracket. A second submit under the same id returns the existing strategy (Created = false).</summary>
    Task<StrategySubmitResult> SubmitBracketAsync(SubmitBracket command);

    /// <summary>Submits an iceberg. A second submit under the same id returns the existing strategy (Created = false).</summary>
    Task<StrategySubmitResult> SubmitIcebergAsync(SubmitIceberg command);

    /// <summary>Submits a trailing stop. A second submit under the same id returns the existing strategy (Created = false).</summary>
    Task<StrategySubmitResult> SubmitTrailingStopAsync(SubmitTrailingStop command);

    /// <summary>Returns the strategy, or null when nothing was submitted under this id.</summary>
    [ReadOnly]
    Task<StrategySnapshot?> GetAsync();

    /// <summary>Requests the cancel of the strategy: every open child is cancelled and nothing new is placed.</summary>
    Task<StrategyCommandResult> CancelAsync(string? requestedBy);

    /// <summary>
    /// Re-reads the open children from the account and the reference price, then takes whatever step is due. The
    /// strategy does this by itself on a timer; market-data push or an operator can call it to act sooner.
    /// </summary>
    Task<StrategySnapshot?> ReconcileAsync();

    /// <summary>
    /// Tells the strategy one of its children changed (sent by the account after the change was persisted). Not one-way:
    /// the account does not wait for it, but sends it again when it fails (the strategy's silo was lost), so a strategy
    /// whose silo died resumes on another one without waiting for its reminder. Duplicates and stale news are ignored.
    /// </summary>
    Task OnChildOrderChangedAsync(OrderSnapshot order);
}

/// <summary>Builds the keys and child order ids of contingent-order strategies.</summary>
public static class ContingentOrderIds
{
    private const char Separator = '|';

    public static string GrainKey(AccountId account, StrategyId strategy) => $"{account.Value}{Separator}{strategy.Value}";

    public static (AccountId Account, StrategyId Strategy) ParseGrainKey(string key)
    {
        var index = key.LastIndexOf(Separator);
        if (index <= 0 || !AccountId.TryParse(key[..index], out var account) || !StrategyId.IsValid(key[(index + 1)..]))
        {
            throw new ArgumentException($"'{key}' is not a strategy grain key (expected ACCOUNT|STRATEGY)", nameof(key));
        }
        return (account, new StrategyId(key[(index + 1)..]));
    }

    public static IContingentOrderGrain GetStrategy(this IGrainFactory factory, AccountId account, StrategyId strategy) =>
        factory.GetGrain<IContingentOrderGrain>(GrainKey(account, strategy));

    /// <summary>
    /// The client order id of a child: <c>{strategy}-{role}-{generation}</c> (no separators on OKX, whose ids are
    /// alphanumeric). At most 20 + 1 + 2 + 1 + 7 = 31 characters, legal on every venue.
    /// </summary>
    public static ClientOrderId Child(Venue venue, StrategyId strategy, ChildRole role, int generation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(generation);
        var code = role switch
        {
            ChildRole.Entry => "en",
            ChildRole.StopLoss => "sl",
            ChildRole.TakeProfit => "tp",
            ChildRole.Slice => "sc",
            ChildRole.Stop => "ts",
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown child role"),
        };
        var separator = venue == Venue.Okx ? string.Empty : "-";
        return new ClientOrderId(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{strategy.Value}{separator}{code}{separator}{generation}"));
    }

    /// <summary>A new random strategy id (16 base-36 characters).</summary>
    public static StrategyId NewStrategyId() =>
        new(System.Security.Cryptography.RandomNumberGenerator.GetString("0123456789abcdefghijklmnopqrstuvwxyz", 16));
}

/// <summary>Which contingent orders each venue supports natively (and the connectors route).</summary>
public static class NativeSupport
{
    /// <summary>Iceberg orders (a visible quantity on a limit order): Binance spot (<c>icebergQty</c>). Futures venues have none.</summary>
    public static bool Iceberg(InstrumentId instrument) => instrument.Venue == Venue.Binance && instrument.Market == MarketType.Spot;

    /// <summary>
    /// Trailing stops: Binance spot (<c>trailingDelta</c>) and USDⓈ-M futures (<c>TRAILING_STOP_MARKET</c> on the algo
    /// service). The other venues' connectors do not route them yet, so the OMS manages them there.
    /// </summary>
    public static bool TrailingStop(InstrumentId instrument) => instrument.Venue == Venue.Binance;
}
