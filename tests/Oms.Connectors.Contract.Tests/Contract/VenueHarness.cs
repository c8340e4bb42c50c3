namespace Oms.Connectors.Contract.Tests.Contract;

/// <summary>An order as the venue holds it, in domain terms.</summary>
public sealed record VenueOrderState(ClientOrderId ClientOrderId, InstrumentId Instrument, OrderStatus Status, decimal Quantity, decimal Filled);

/// <summary>A trade of the account as the venue holds it.</summary>
public sealed record VenueTradeState(ClientOrderId? ClientOrderId, InstrumentId Instrument, string TradeId, decimal Quantity, decimal Price, decimal Fee, string FeeAsset);

/// <summary>
/// A position of the account as a derivatives venue holds it: signed quantity (long &gt; 0), average entry price, and
/// the realized PnL of its trades before fees (the sum of the venue's per-trade realized PnL).
/// </summary>
public sealed record VenuePositionState(InstrumentId Instrument, PositionSide Side, decimal Quantity, decimal EntryPrice, decimal RealizedPnl);

/// <summary>
/// Everything the venue holds for an account that the OMS must mirror exactly. <see cref="Positions"/> is null on a
/// market without venue positions (spot); on a derivatives market it lists every position the venue has for the account.
/// </summary>
public sealed record VenueAccountState(
    IReadOnlyDictionary<string, (decimal Free, decimal Locked)> Balances,
    IReadOnlyList<VenueOrderState> Orders,
    IReadOnlyList<VenueTradeState> Trades,
    IReadOnlyList<VenuePositionState>? Positions = null);

/// <summary>What the venue answered to the account's order requests.</summary>
public sealed record VenueRequestStats(int Total, int RateLimited, int Banned, int InvalidTimestamp, int InvalidSignature);

/// <summary>
/// What the connector contract suite needs from one venue and market: accounts with keys, market control (a
/// counterparty that trades with the account's orders), the venue's view of an account, and fault injection.
/// One implementation per venue (Binance spot here; USD-M, Bybit and OKX reuse the suite with their own).
/// </summary>
public abstract class VenueHarness
{
    /// <summary>The instrument the scenarios trade; the harness keeps its market quiet (no other liquidity, no random walk).</summary>
    public abstract InstrumentId Instrument { get; }

    /// <summary>A price on the instrument's tick around which the scenarios place orders.</summary>
    public abstract decimal Price { get; }

    /// <summary>A quantity on the instrument's step whose notional passes the venue's minimum at <see cref="Price"/>.</summary>
    public abstract decimal Quantity { get; }

    /// <summary>Order types the connector supports on this venue and market.</summary>
    public abstract IReadOnlyList<OrderType> SupportedOrderTypes { get; }

    /// <summary>
    /// How far from <see cref="Price"/>, as a fraction of it, the order-type scenario rests its orders: limits that must
    /// not fill and stops that must not trigger. It must be legal on the venue (inside any band it keeps prices in
    /// around the market, e.g. USD-M's PERCENT_PRICE around the mark) and wide enough that nothing executes. Spot
    /// venues accept the default 10 %.
    /// </summary>
    public virtual decimal RestingOffset => 0.10m;

    /// <summary>The instrument's price tick.</summary>
    public abstract decimal TickSize { get; }

    /// <summary>
    /// The price <see cref="RestingOffset"/> above or below <see cref="Price"/>, on the tick and rounded toward the
    /// market (so it stays inside a band the offset was chosen within).
    /// </summary>
    public decimal RestingPrice(bool above)
    {
        var raw = Price * (above ? 1m + RestingOffset : 1m - RestingOffset);
        var ticks = raw / TickSize;
        return (above ? decimal.Floor(ticks) : decimal.Ceiling(ticks)) * TickSize;
    }

    /// <summary>Whether a working order's quantity can be amended down in place.</summary>
    public abstract bool AmendsQuantityDown { get; }

    /// <summary>Creates a funded venue account with a valid key and provisions it in the OMS.</summary>
    public abstract Task<AccountId> NewAccountAsync(string prefix);

    /// <summary>Creates a funded venue account but gives the OMS a key whose signatures the venue rejects.</summary>
    public abstract Task<AccountId> NewAccountWithWrongKeyAsync(string prefix);

    /// <summary>Puts a resting counterparty order at <paramref name="price"/> so an OMS order can trade with it.</summary>
    public abstract Task RestCounterpartyAsync(OrderSide side, decimal price, decimal quantity);

    /// <summary>Trades <paramref name="quantity"/> against resting orders at <paramref name="price"/> (an outside aggressor).</summary>
    public abstract Task TakeAsync(OrderSide side, decimal price, decimal quantity);

    /// <summary>Removes the counterparty's resting orders.</summary>
    public abstract Task ClearCounterpartyAsync();

    public abstract Task<VenueAccountState> ReadAsync(AccountId account);

    /// <summary>Reconciliations of the account the OMS's connector completed (begun, applied and ended) so far.</summary>
    public abstract Task<long> CompletedReconciliationsAsync(AccountId account);

    public abstract Task<VenueRequestStats> RequestStatsAsync(AccountId account);

    public abstract Task DropConnectionsAsync(AccountId account);

    /// <summary>The next order placement of the account executes, then answers with an ambiguous error (5xx / timeout code).</summary>
    public abstract Task FailNextPlacementAfterExecutionAsync(AccountId account);

    public abstract Task SetStreamFaultsAsync(AccountId account, bool silence, bool duplicate, bool reorder);

    public abstract Task ClearFaultsAsync();

    /// <summary>
    /// Lowers the venue's order-rate limit without the connector being told (as when other users of the IP consume the
    /// budget); returns the limit. <see cref="RestoreLimitsAsync"/> undoes it.
    /// </summary>
    public abstract Task<int> LowerOrderLimitSilentlyAsync();

    public abstract Task RestoreLimitsAsync();
}
