using Oms.Simulator.Engine.Internal;

namespace Oms.Simulator.Engine;

// Spot OCO order lists (orderList/oco): an "above" and a "below" leg; when one leg fills or triggers the other expires.
public sealed partial class SimExchange
{
    private static bool IsTakeProfitOrMaker(SpotOrderType t) =>
        t is SpotOrderType.LimitMaker or SpotOrderType.TakeProfit or SpotOrderType.TakeProfitLimit;

    private static bool IsStopLoss(SpotOrderType t) => t is SpotOrderType.StopLoss or SpotOrderType.StopLossLimit;

    private EngineResult<SpotOrderListResult> PlaceSpotOcoCore(string accountId, SpotOcoRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!TryFind(accountId, FindSpot(r.Symbol), out var account, out var market, out var lookupError))
        {
            return lookupError;
        }

        if (market.Status != SymbolStatus.Trading)
        {
            return EngineErrors.MarketClosed;
        }

        if (!account.CanTrade)
        {
            return EngineErrors.AccountCannotTrade;
        }

        if (!market.Instrument.OcoAllowed)
        {
            return EngineErrors.OcoNotSupported;
        }

        if (r.Quantity <= 0)
        {
            return EngineErrors.InvalidQuantity;
        }

        var above = r.Above.Type;
        var below = r.Below.Type;
        if (above is SpotOrderType.Limit or SpotOrderType.Market || below is SpotOrderType.Limit or SpotOrderType.Market)
        {
            return EngineErrors.OcoOrderTypeRejected;
        }

        if (above == SpotOrderType.LimitMaker && below == SpotOrderType.LimitMaker)
        {
            return EngineErrors.OcoBothLimit;
        }

        if (r.Side == OrderSide.Sell)
        {
            if (IsStopLoss(above))
            {
                return EngineErrors.SellOcoStopLossMustBeBelow;
            }

            if (below == SpotOrderType.LimitMaker)
            {
                return EngineErrors.SellOcoLimitMustBeAbove;
            }

            if (!IsStopLoss(below))
            {
                return EngineErrors.SellOcoTakeProfitMustBeAbove;
            }
        }
        else
        {
            if (above == SpotOrderType.LimitMaker)
            {
                return EngineErrors.BuyOcoLimitMustBeBelow;
            }

            if (!IsStopLoss(above))
            {
                return EngineErrors.BuyOcoTakeProfitMustBeBelow;
            }

            if (IsStopLoss(below))
            {
                return EngineErrors.BuyOcoStopLossMustBeAbove;
            }
        }

        if (r.ListClientOrderId is { } listId)
        {
            if (!IsValidClientId(listId))
            {
                return EngineErrors.IllegalChars("listClientOrderId");
            }

            if (account.ListsByClientId.TryGetValue(listId, out var existing) && !existing.IsDone)
            {
                return EngineErrors.DuplicateOrder;
            }
        }

        if (r.Above.ClientOrderId is not null && r.Above.ClientOrderId == r.Below.ClientOrderId)
        {
            return EngineErrors.DuplicateOrder;
        }

        var belowPlan = ValidateSpotOrder(account, LegRequest(r, r.Below), exclude: null);
        if (!belowPlan.IsSuccess)
        {
            return belowPlan.Error;
        }

        var abovePlan = ValidateSpotOrder(account, LegRequest(r, r.Above), exclude: null);
        if (!abovePlan.IsSuccess)
        {
            return abovePlan.Error;
        }

        // price relationship against the last price: above > last > below
        var last = market.LastPrice;
        var aboveLevel = LegLevel(abovePlan.Value);
        var belowLevel = LegLevel(belowPlan.Value);
        if ((aboveLevel is { } a && a <= last) || (belowLevel is { } b && b >= last))
        {
            return EngineErrors.OcoBadPrices;
        }

        foreach (var plan in (ReadOnlySpan<SpotPlan>)[belowPlan.Value, abovePlan.Value])
        {
            if (plan.Request.Type == SpotOrderType.LimitMaker)
            {
                var best = market.Book.Opposite(r.Side).Best;
                if (best is not null && (r.Side == OrderSide.Buy ? best.Price <= plan.Price : best.Price >= plan.Price))
                {
                    return EngineErrors.WouldMatchAndTake;
                }
            }
        }

        var instrument = market.Instrument;
        var lockAsset = r.Side == OrderSide.Sell ? instrument.BaseAsset : instrument.QuoteAsset;
        var belowNeed = LegLockNeed(belowPlan.Value, last);
        var aboveNeed = LegLockNeed(abovePlan.Value, last);
        var total = Math.Max(belowNeed, aboveNeed);
        if (account.Balance(lockAsset).Free < total)
        {
            return EngineErrors.InsufficientBalance;
        }

        var list = new SpotOrderList
        {
            OrderListId = _nextListId++,
            ListClientOrderId = r.ListClientOrderId ?? NewClientId("web_"),
            Market = market,
            Account = account,
            TransactionTime = _now,
        };
        var belowOrder = CreateSpotOrder(belowPlan.Value, r.Quantity, lockAsset, belowNeed);
        var aboveOrder = CreateSpotOrder(abovePlan.Value, r.Quantity, lockAsset, total - belowNeed);
        foreach (var leg in (ReadOnlySpan<SpotOrder>)[belowOrder, aboveOrder])
        {
            leg.List = list;
            leg.OrderListId = list.OrderListId;
            list.Orders.Add(leg);
        }

        account.ListsById[list.OrderListId] = list;
        account.ListsByClientId[list.ListClientOrderId] = list;
        account.AllLists.Add(list);

        foreach (var leg in list.Orders)
        {
            EmitSpotReport(leg, ExecutionType.New);
        }

        EmitListStatus(list);
        foreach (var leg in list.Orders)
        {
            if (leg.IsFinal)
            {
                continue;
            }

            if (leg.IsStopType)
            {
                ArmSpotStop(market, leg);
            }
            else
            {
                ExecuteSpotOrder(market, leg);
            }
        }

        var result = list.ToResult();
        return result with { ListStatusType = ListStatusType.ExecStarted, ListOrderStatus = ListOrderStatus.Executing };
    }

    private static SpotOrderRequest LegRequest(SpotOcoRequest r, SpotOcoLeg leg) => new()
    {
        Symbol = r.Symbol,
        Side = r.Side,
        Type = leg.Type,
        Quantity = r.Quantity,
        Price = leg.Price,
        StopPrice = leg.StopPrice,
        TrailingDelta = leg.TrailingDelta,
        TimeInForce = leg.TimeInForce,
        IcebergQty = leg.IcebergQty,
        NewClientOrderId = leg.ClientOrderId,
        StrategyId = leg.StrategyId,
        StrategyType = leg.StrategyType,
        SelfTradePreventionMode = r.SelfTradePreventionMode,
    };

    private static decimal? LegLevel(SpotPlan plan) => plan.Request.Type switch
    {
        SpotOrderType.LimitMaker => plan.Price,
        _ => plan.StopPrice > 0 ? plan.StopPrice : null,
    };

    private static decimal LegLockNeed(SpotPlan plan, decimal last)
    {
        if (plan.Request.Side == OrderSide.Sell)
        {
            return plan.Quantity;
        }

        var px = plan.Price > 0 ? plan.Price : plan.StopPrice > 0 ? plan.StopPrice : last;
        return px * plan.Quantity;
    }

    /// <summary>Moves the lock of the list's other legs to <paramref name="active"/> (before it executes).</summary>
    private static void TakeOcoLock(SpotOrderList list, SpotOrder active)
    {
        foreach (var other in list.Orders)
        {
            if (!ReferenceEquals(other, active) && !other.IsFinal && other.LockAsset == active.LockAsset)
            {
                active.Locked += other.Locked;
                other.Locked = 0;
            }
        }
    }

    /// <summary>A leg filled or triggered: the other leg expires and hands its lock to this one.</summary>
    private void OcoLegActivated(SpotOrderList list, SpotOrder active)
    {
        foreach (var other in list.Orders)
        {
            if (ReferenceEquals(other, active) || other.IsFinal)
            {
                continue;
            }

            if (other.LockAsset == active.LockAsset && !active.IsFinal)
            {
                active.Locked += other.Locked;
                other.Locked = 0;
            }

            other.Status = OrderStatus.Expired;
            other.ExpiryReason = SpotExpiryReason.OcoTrigger;
            other.UpdateTime = _now;
            other.Leaves = 0;
            FinishSpotOrder(other);
            EmitSpotReport(other, ExecutionType.Expired);
        }

        list.ListStatusType = ListStatusType.AllDone;
        list.ListOrderStatus = ListOrderStatus.AllDone;
        list.TransactionTime = _now;
        EmitListStatus(list);
    }

    private void CancelSpotList(SpotOrderList list, string cancelClientId)
    {
        foreach (var leg in list.Orders)
        {
            if (!leg.IsFinal)
            {
                CancelSpotOrderInternal(leg, cancelClientId);
            }
        }

        list.ListStatusType = ListStatusType.AllDone;
        list.ListOrderStatus = ListOrderStatus.AllDone;
        list.TransactionTime = _now;
        EmitListStatus(list);
    }

    private void EmitListStatus(SpotOrderList list)
    {
        Emit(new SpotListStatus
        {
            AccountId = list.Account.Id,
            Symbol = list.Market.Symbol,
            OrderListId = list.OrderListId,
            ContingencyType = ContingencyType.Oco,
            ListStatusType = list.ListStatusType,
            ListOrderStatus = list.ListOrderStatus,
            ListClientOrderId = list.ListClientOrderId,
            TransactionTime = _now,
            Orders = list.Orders.ConvertAll(o => new ListStatusOrder(list.Market.Symbol, o.OrderId, o.ClientOrderId)),
        });
    }

    private EngineResult<SpotOrderListResult> CancelSpotOrderListCore(string accountId, SpotCancelOrderListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = FindAccount(accountId);
        if (account is null)
        {
            return EngineErrors.UnknownAccount(accountId);
        }

        if (FindSpot(request.Symbol) is null)
        {
            return EngineErrors.BadSymbol;
        }

        if (request.OrderListId is null && string.IsNullOrEmpty(request.ListClientOrderId))
        {
            return EngineErrors.EitherParameter("listClientOrderId", "orderListId");
        }

        var list = FindList(account, request.OrderListId, request.ListClientOrderId);
        if (list is null || list.Market.Symbol != request.Symbol || list.IsDone)
        {
            return EngineErrors.OrderListDoesNotExist;
        }

        CancelSpotList(list, request.NewClientOrderId ?? NewClientId("web_"));
        return list.ToResult();
    }

    private static SpotOrderList? FindList(AccountState account, long? orderListId, string? listClientOrderId)
    {
        if (orderListId is { } id)
        {
            return account.ListsById.TryGetValue(id, out var byId) ? byId : null;
        }

        return listClientOrderId is not null && account.ListsByClientId.TryGetValue(listClientOrderId, out var byClient) ? byClient : null;
    }
}
