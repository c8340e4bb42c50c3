namespace Oms.Contracts;

/// <summary>
/// One venue account: the single writer of its orders and balances. Submits are idempotent by client order id,
/// intents are persisted before anything is sent, fills are applied exactly once by (venue, instrument, trade id),
/// and every change is numbered in a gap-free execution-report sequence.
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the account's configuration.</summary>
    Task<AccountInfo> ProvisionAsync(AccountConfig config);

    /// <summary>Returns the account's configuration and state; fails when the account was never provisioned.</summary>
    [ReadOnly]
    Task<AccountInfo> GetInfoAsync();

    /// <summary>Submits an order. Denials are returned as an order in status Denied, never thrown.</summary>
    Task<SubmitOrderResult> SubmitOrderAsync(SubmitOrder command);

    /// <summary>Requests a cancel. Cancels pass whatever the trading state.</summary>
    Task<OrderCommandResult> CancelOrderAsync(CancelOrder command);

    /// <summary>Requests a cancel of every open order (optionally on one instrument).</summary>
    Task<CancelAllResult> CancelAllOrdersAsync(CancelAllOrders command);

    /// <summary>Requests an amend of quantity and/or limit price.</summary>
    Task<OrderCommandResult> AmendOrderAsync(AmendOrder command);

    /// <summary>
    /// Submits a one-cancels-the-other pair as one venue order list (spot). A request that is not a legal pair is
    /// refused with problems naming the fields and nothing stored; a risk or filter refusal stores both legs as Denied.
    /// Idempotent by list client order id.
    /// </summary>
    Task<SubmitOrderListResult> SubmitOrderListAsync(SubmitOrderList command);

    /// <summary>Cancels an order list: one cancel for a live leg; the venue ends the other.</summary>
    Task<OrderListCommandResult> CancelOrderListAsync(CancelOrderList command);

    /// <summary>Returns an order list with its legs, or null when the account has no list with that id.</summary>
    [ReadOnly]
    Task<OrderListSnapshot?> GetOrderListAsync(ClientOrderId listClientOrderId);

    /// <summary>Returns one order, or null when the account has no order with that id.</summary>
    [ReadOnly]
    Task<OrderSnapshot?> GetOrderAsync(ClientOrderId clientOrderId);

    /// <summary>Returns orders, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<OrderSnapshot>> ListOrdersAsync(OrderQuery query);

    [ReadOnly]
    Task<IReadOnlyList<BalanceSnapshot>> GetBalancesAsync();

    /// <summary>Returns the account's positions (every instrument it has traded), marked to the reference price where known.</summary>
    Task<IReadOnlyList<PositionSnapshot>> GetPositionsAsync();

    /// <summary>
    /// Returns execution reports with a sequence greater than <paramref name="afterSequence"/>, waiting up to
    /// <paramref name="wait"/> for the first one when there are none yet. Interleaves with other calls.
    /// </summary>
    [AlwaysInterleave]
    Task<ExecutionReportBatch> ReadExecutionReportsAsync(long afterSequence, int maxCount, TimeSpan wait);

    /// <summary>Applies events from the venue (acks, fills, cancels, balances) in order; duplicates are harmless.</summary>
    Task ApplyVenueEventsAsync(IReadOnlyList<VenueEvent> events);

    /// <summary>Receives the account's current risk policy from its risk grain; older versions are ignored.</summary>
    Task ApplyRiskPolicyAsync(RiskPolicy policy);

    /// <summary>Marks the account as reconciling: new risk-increasing orders are denied until <see cref="EndReconciliationAsync"/>.</summary>
    Task BeginReconciliationAsync(string reason);

    Task EndReconciliationAsync();

    /// <summary>Returns the orders still open and where each instrument's trade history resumes, for venue reconciliation.</summary>
    [ReadOnly]
    Task<AccountReconciliationView> GetReconciliationViewAsync();
}
