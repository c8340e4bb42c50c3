using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Json;

namespace Oms.Simulator.Wire.Spot;

/// <summary>Spot newOrderRespType.</summary>
public enum SpotResponseType
{
    Ack,
    Result,
    Full,
}

/// <summary>Renders spot REST / WS API bodies and user-data events field by field (REFERENCE §1, §3).</summary>
public static class SpotJson
{
    /// <summary>Binance default: FULL for MARKET and LIMIT, ACK for the other types.</summary>
    public static SpotResponseType DefaultResponseType(SpotOrderType type) =>
        type is SpotOrderType.Market or SpotOrderType.Limit ? SpotResponseType.Full : SpotResponseType.Ack;

    /// <summary>
    /// POST /api/v3/order body for the requested response type. <c>fillsBeforeStp</c>: cancel-replace examples put
    /// <c>fills</c> before <c>selfTradePreventionMode</c>, new-order examples after it.
    /// </summary>
    public static void WriteNewOrder(Utf8JsonWriter w, SpotOrderResult result, SpotResponseType type, SymbolFormat f, bool fillsBeforeStp = false)
    {
        var o = result.Order;
        w.WriteStartObject();
        WriteAckFields(w, o, result.TransactTime);
        if (type != SpotResponseType.Ack)
        {
            WriteResultBody(w, o, f, fillsBeforeStp && type == SpotResponseType.Full ? result.Fills : null);
            if (result.PreventedMatches.Count > 0)
            {
                w.WriteStartArray("preventedMatches");
                foreach (var p in result.PreventedMatches)
                {
                    w.WriteStartObject();
                    w.WriteString("symbol", o.Symbol);
                    w.WriteNumber("preventedMatchId", p.PreventedMatchId);
                    w.WriteNumber("takerOrderId", o.OrderId);
                    w.WriteNumber("makerOrderId", p.MakerOrderId);
                    w.WriteNumber("tradeGroupId", -1);
                    w.WriteString("selfTradePreventionMode", o.SelfTradePreventionMode.ToWire());
                    w.WriteFixed("price", p.Price, f.PriceScale);
                    if (p.TakerPreventedQuantity is { } taker)
                    {
                        w.WriteFixed("takerPreventedQuantity", taker, f.QtyScale);
                    }

                    if (p.MakerPreventedQuantity is { } maker)
                    {
                        w.WriteFixed("makerPreventedQuantity", maker, f.QtyScale);
                    }

                    w.WriteNumber("transactTime", result.TransactTime);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (type == SpotResponseType.Full && !fillsBeforeStp)
            {
                WriteFills(w, result.Fills, f);
            }
        }

        w.WriteEndObject();
    }

    /// <summary>The ACK part of an order report: its ids and the transaction time.</summary>
    private static void WriteAckFields(Utf8JsonWriter w, SpotOrderView o, long transactTime)
    {
        w.WriteString("symbol", o.Symbol);
        w.WriteNumber("orderId", o.OrderId);
        w.WriteNumber("orderListId", o.OrderListId);
        w.WriteString("clientOrderId", o.ClientOrderId);
        w.WriteNumber("transactTime", transactTime);
    }

    /// <summary>The RESULT part of an order (after transactTime), used by new-order and order-list reports.</summary>
    private static void WriteResultBody(Utf8JsonWriter w, SpotOrderView o, SymbolFormat f, IReadOnlyList<SpotFill>? fillsBeforeStp = null)
    {
        WriteOrderTerms(w, o, f);
        WriteTrailingAndStrategy(w, o);
        w.WriteNumber("workingTime", o.IsWorking ? o.WorkingTime : -1);
        WriteIcebergQty(w, o, f);
        WritePrevented(w, o, f);
        if (fillsBeforeStp is not null)
        {
            WriteFills(w, fillsBeforeStp, f);
        }

        w.WriteString("selfTradePreventionMode", o.SelfTradePreventionMode.ToWire());
        WriteExpiryReason(w, o);
    }

    /// <summary>
    /// price, quantities, status, timeInForce, type, side and (for stop types) stopPrice, as order reports and cancel
    /// answers print them.
    /// </summary>
    private static void WriteOrderTerms(Utf8JsonWriter w, SpotOrderView o, SymbolFormat f)
    {
        w.WriteFixed("price", o.Price, f.PriceScale);
        w.WriteFixed("origQty", o.OrigQty, f.QtyScale);
        w.WriteFixed("executedQty", o.ExecutedQty, f.QtyScale);
        w.WriteFixed("origQuoteOrderQty", o.OrigQuoteOrderQty, f.QuoteScale);
        w.WriteFixed("cummulativeQuoteQty", o.CummulativeQuoteQty, f.QuoteScale);
        w.WriteString("status", o.Status.ToWire());
        w.WriteString("timeInForce", o.TimeInForce.ToWire());
        w.WriteString("type", o.Type.ToWire());
        w.WriteString("side", o.Side.ToWire());
        WriteStopPrice(w, o, f);
    }

    /// <summary>
    /// GET /api/v3/order (<paramref name="listLayout"/> false) or an openOrders/allOrders element (true). Binance's
    /// documented examples differ only in the position of origQuoteOrderQty relative to workingTime; both are followed.
    /// </summary>
    public static void WriteOrder(Utf8JsonWriter w, SpotOrderView o, SymbolFormat f, bool listLayout = false)
    {
        w.WriteStartObject();
        w.WriteString("symbol", o.Symbol);
        w.WriteNumber("orderId", o.OrderId);
        w.WriteNumber("orderListId", o.OrderListId);
        w.WriteString("clientOrderId", o.ClientOrderId);
        w.WriteFixed("price", o.Price, f.PriceScale);
        w.WriteFixed("origQty", o.OrigQty, f.QtyScale);
        w.WriteFixed("executedQty", o.ExecutedQty, f.QtyScale);
        w.WriteFixed("cummulativeQuoteQty", o.CummulativeQuoteQty, f.QuoteScale);
        w.WriteString("status", o.Status.ToWire());
        w.WriteString("timeInForce", o.TimeInForce.ToWire());
        w.WriteString("type", o.Type.ToWire());
        w.WriteString("side", o.Side.ToWire());
        w.WriteFixed("stopPrice", o.StopPrice, f.PriceScale);
        if (o.TrailingDelta is { } trailingDelta)
        {
            w.WriteNumber("trailingDelta", trailingDelta);
            w.WriteNumber("trailingTime", o.TrailingTime ?? -1);
        }

        w.WriteFixed("icebergQty", o.IcebergQty, f.QtyScale);
        w.WriteNumber("time", o.Time);
        w.WriteNumber("updateTime", o.UpdateTime);
        w.WriteBoolean("isWorking", o.IsWorking);
        if (listLayout)
        {
            w.WriteFixed("origQuoteOrderQty", o.OrigQuoteOrderQty, f.QuoteScale);
            w.WriteNumber("workingTime", o.IsWorking ? o.WorkingTime : -1);
        }
        else
        {
            w.WriteNumber("workingTime", o.IsWorking ? o.WorkingTime : -1);
            w.WriteFixed("origQuoteOrderQty", o.OrigQuoteOrderQty, f.QuoteScale);
        }

        if (o.StrategyId is { } strategyId)
        {
            w.WriteNumber("strategyId", strategyId);
        }

        if (o.StrategyType is { } strategyType)
        {
            w.WriteNumber("strategyType", strategyType);
        }

        w.WriteString("selfTradePreventionMode", o.SelfTradePreventionMode.ToWire());
        WritePrevented(w, o, f);
        w.WriteEndObject();
    }

    /// <summary><c>amendedOrder</c> of order.amend.keepPriority (its own field names: qty, cumulativeQuoteQty, preventedQty…).</summary>
    public static void WriteAmendedOrder(Utf8JsonWriter w, SpotOrderView o, string origClientOrderId, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("symbol", o.Symbol);
        w.WriteNumber("orderId", o.OrderId);
        w.WriteNumber("orderListId", o.OrderListId);
        w.WriteString("origClientOrderId", origClientOrderId);
        w.WriteString("clientOrderId", o.ClientOrderId);
        w.WriteFixed("price", o.Price, f.PriceScale);
        w.WriteFixed("qty", o.OrigQty, f.QtyScale);
        w.WriteFixed("executedQty", o.ExecutedQty, f.QtyScale);
        w.WriteFixed("preventedQty", o.PreventedQuantity ?? 0m, f.QtyScale);
        w.WriteFixed("quoteOrderQty", o.OrigQuoteOrderQty, f.QuoteScale);
        w.WriteFixed("cumulativeQuoteQty", o.CummulativeQuoteQty, f.QuoteScale);
        w.WriteString("status", o.Status.ToWire());
        w.WriteString("timeInForce", o.TimeInForce.ToWire());
        w.WriteString("type", o.Type.ToWire());
        w.WriteString("side", o.Side.ToWire());
        if (o.IsWorking)
        {
            w.WriteNumber("workingTime", o.WorkingTime);
        }

        w.WriteString("selfTradePreventionMode", o.SelfTradePreventionMode.ToWire());
        WriteIcebergQty(w, o, f);
        WriteStopPrice(w, o, f);
        WriteTrailingAndStrategy(w, o);
        WriteExpiryReason(w, o);
        w.WriteEndObject();
    }

    /// <summary>DELETE /api/v3/order body (and cancel legs of cancel-replace / cancel-all).</summary>
    public static void WriteCancel(Utf8JsonWriter w, SpotCancelResult c, SymbolFormat f)
    {
        if (c.OrderList is { } list)
        {
            WriteOrderList(w, list, f, cancelClientOrderId: c.CancelClientOrderId);
            return;
        }

        WriteCanceledOrder(w, c.Order, c.CancelClientOrderId, c.TransactTime, f);
    }

    private static void WriteCanceledOrder(Utf8JsonWriter w, SpotOrderView o, string cancelClientOrderId, long transactTime, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("symbol", o.Symbol);
        w.WriteString("origClientOrderId", o.ClientOrderId);
        w.WriteNumber("orderId", o.OrderId);
        w.WriteNumber("orderListId", o.OrderListId);
        w.WriteString("clientOrderId", cancelClientOrderId);
        w.WriteNumber("transactTime", transactTime);
        WriteOrderTerms(w, o, f);
        WriteIcebergQty(w, o, f);
        WriteTrailingAndStrategy(w, o);
        WritePrevented(w, o, f);
        w.WriteString("selfTradePreventionMode", o.SelfTradePreventionMode.ToWire());
        w.WriteEndObject();
    }

    /// <summary>
    /// An order list (OCO place / cancel / query). With <paramref name="cancelClientOrderId"/> the reports are
    /// cancel objects; with <paramref name="includeReports"/> false only <c>orders</c> is written (query).
    /// </summary>
    public static void WriteOrderList(Utf8JsonWriter w, SpotOrderListResult list, SymbolFormat f, string? cancelClientOrderId = null,
        bool includeReports = true, SpotResponseType responseType = SpotResponseType.Result)
    {
        w.WriteStartObject();
        w.WriteNumber("orderListId", list.OrderListId);
        w.WriteString("contingencyType", list.ContingencyType.ToWire());
        w.WriteString("listStatusType", list.ListStatusType.ToWire());
        w.WriteString("listOrderStatus", list.ListOrderStatus.ToWire());
        w.WriteString("listClientOrderId", list.ListClientOrderId);
        w.WriteNumber("transactionTime", list.TransactionTime);
        w.WriteString("symbol", list.Symbol);
        w.WriteStartArray("orders");
        foreach (var o in list.Orders)
        {
            w.WriteStartObject();
            w.WriteString("symbol", o.Symbol);
            w.WriteNumber("orderId", o.OrderId);
            w.WriteString("clientOrderId", o.ClientOrderId);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (includeReports)
        {
            w.WriteStartArray("orderReports");
            foreach (var o in list.Orders)
            {
                if (cancelClientOrderId is not null)
                {
                    WriteCanceledOrder(w, o, cancelClientOrderId, list.TransactionTime, f);
                    continue;
                }

                w.WriteStartObject();
                WriteAckFields(w, o, list.TransactionTime);
                if (responseType != SpotResponseType.Ack)
                {
                    WriteResultBody(w, o, f);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (cancelClientOrderId is null && responseType == SpotResponseType.Full)
            {
                WriteFills(w, list.Fills, f);
            }
        }

        w.WriteEndObject();
    }

    /// <summary>Cancel-replace success body, or the <c>data</c> object of its -2021/-2022 error.</summary>
    public static void WriteCancelReplaceBody(Utf8JsonWriter w, SpotCancelReplaceResult r, SpotResponseType responseType, SymbolFormat f)
    {
        w.WriteString("cancelResult", r.CancelResult.ToWire());
        w.WriteString("newOrderResult", r.NewOrderResult.ToWire());
        w.WritePropertyName("cancelResponse");
        if (r.CancelResponse is { } cancel)
        {
            WriteCancel(w, cancel, f);
        }
        else if (r.CancelError is { } cancelError)
        {
            WriteErrorObject(w, cancelError);
        }
        else
        {
            w.WriteNullValue();
        }

        w.WritePropertyName("newOrderResponse");
        if (r.NewOrderResponse is { } placed)
        {
            WriteNewOrder(w, placed, responseType, f, fillsBeforeStp: true);
        }
        else if (r.NewOrderError is { } newError)
        {
            WriteErrorObject(w, newError);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    public static void WriteErrorObject(Utf8JsonWriter w, EngineError error) => w.WriteCodeMsg(error.Code, error.Message);

    /// <summary>myTrades element.</summary>
    public static void WriteTrade(Utf8JsonWriter w, SpotTradeView t, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("symbol", t.Symbol);
        w.WriteNumber("id", t.Id);
        w.WriteNumber("orderId", t.OrderId);
        w.WriteNumber("orderListId", t.OrderListId);
        w.WriteFixed("price", t.Price, f.PriceScale);
        w.WriteFixed("qty", t.Qty, f.QtyScale);
        w.WriteFixed("quoteQty", t.QuoteQty, f.QuoteScale);
        w.WriteFixed("commission", t.Commission, 8);
        w.WriteString("commissionAsset", t.CommissionAsset);
        w.WriteNumber("time", t.Time);
        w.WriteBoolean("isBuyer", t.IsBuyer);
        w.WriteBoolean("isMaker", t.IsMaker);
        w.WriteBoolean("isBestMatch", t.IsBestMatch);
        w.WriteEndObject();
    }

    /// <summary>GET /api/v3/account, WS account.status.</summary>
    public static void WriteAccount(Utf8JsonWriter w, SpotAccountView a, bool omitZeroBalances)
    {
        w.WriteStartObject();
        w.WriteNumber("makerCommission", (long)decimal.Round(a.Commission.Maker * 10_000m));
        w.WriteNumber("takerCommission", (long)decimal.Round(a.Commission.Taker * 10_000m));
        w.WriteNumber("buyerCommission", 0);
        w.WriteNumber("sellerCommission", 0);
        w.WriteStartObject("commissionRates");
        w.WriteFixed("maker", a.Commission.Maker, 8);
        w.WriteFixed("taker", a.Commission.Taker, 8);
        w.WriteFixed("buyer", 0m, 8);
        w.WriteFixed("seller", 0m, 8);
        w.WriteEndObject();
        w.WriteBoolean("canTrade", a.CanTrade);
        w.WriteBoolean("canWithdraw", true);
        w.WriteBoolean("canDeposit", true);
        w.WriteBoolean("brokered", false);
        w.WriteBoolean("requireSelfTradePrevention", false);
        w.WriteBoolean("preventSor", false);
        w.WriteNumber("updateTime", a.UpdateTime);
        w.WriteString("accountType", "SPOT");
        w.WriteStartArray("balances");
        foreach (var b in a.Balances)
        {
            if (omitZeroBalances && b.Free == 0 && b.Locked == 0)
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteString("asset", b.Asset);
            w.WriteFixed("free", b.Free, 8);
            w.WriteFixed("locked", b.Locked, 8);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("permissions");
        w.WriteStringValue("SPOT");
        w.WriteEndArray();
        w.WriteNumber("uid", a.Uid);
        w.WriteEndObject();
    }

    // ------------------------------------------------------------------ user data events (§3)

    /// <summary>The inner object of an <c>executionReport</c> event.</summary>
    public static void WriteExecutionReport(Utf8JsonWriter w, SpotExecutionReport e, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("e", "executionReport");
        w.WriteNumber("E", e.EventTime);
        w.WriteString("s", e.Symbol);
        w.WriteString("c", e.ClientOrderId);
        w.WriteString("S", e.Side.ToWire());
        w.WriteString("o", e.OrderType.ToWire());
        w.WriteString("f", e.TimeInForce.ToWire());
        w.WriteFixed("q", e.Quantity, f.QtyScale);
        w.WriteFixed("p", e.Price, f.PriceScale);
        w.WriteFixed("P", e.StopPrice, f.PriceScale);
        w.WriteFixed("F", e.IcebergQty, f.QtyScale);
        w.WriteNumber("g", e.OrderListId);
        w.WriteString("C", e.OrigClientOrderId);
        w.WriteString("x", e.ExecutionType.ToWire());
        w.WriteString("X", e.OrderStatus.ToWire());
        w.WriteString("r", e.RejectReason.ToWire());
        w.WriteNumber("i", e.OrderId);
        w.WriteFixed("l", e.LastExecutedQty, f.QtyScale);
        w.WriteFixed("z", e.CumulativeFilledQty, f.QtyScale);
        w.WriteFixed("L", e.LastExecutedPrice, f.PriceScale);
        w.WriteString("n", e.CommissionAsset is null ? "0" : Fmt.Fixed(e.Commission, 8));
        if (e.CommissionAsset is null)
        {
            w.WriteNull("N");
        }
        else
        {
            w.WriteString("N", e.CommissionAsset);
        }

        w.WriteNumber("T", e.TransactionTime);
        w.WriteNumber("t", e.TradeId);
        if (e.PreventedMatchId is { } preventedMatchId)
        {
            w.WriteNumber("v", preventedMatchId);
        }

        w.WriteNumber("I", e.ExecutionId);
        w.WriteBoolean("w", e.IsWorking);
        w.WriteBoolean("m", e.IsMaker);
        w.WriteBoolean("M", false);
        w.WriteNumber("O", e.OrderCreationTime);
        w.WriteFixed("Z", e.CumulativeQuoteQty, f.QuoteScale);
        w.WriteFixed("Y", e.LastQuoteQty, f.QuoteScale);
        w.WriteFixed("Q", e.QuoteOrderQty, f.QuoteScale);
        if (e.WorkingTime is { } workingTime)
        {
            w.WriteNumber("W", workingTime);
        }

        w.WriteString("V", e.SelfTradePreventionMode.ToWire());
        if (e.TrailingDelta is { } d)
        {
            w.WriteNumber("d", d);
        }

        if (e.TrailingTime is { } trailingTime)
        {
            w.WriteNumber("D", trailingTime);
        }

        if (e.StrategyId is { } j)
        {
            w.WriteNumber("j", j);
        }

        if (e.StrategyType is { } strategyType)
        {
            w.WriteNumber("J", strategyType);
        }

        if (e.PreventedQuantity is { } a)
        {
            w.WriteFixed("A", a, f.QtyScale);
        }

        if (e.LastPreventedQuantity is { } b)
        {
            w.WriteFixed("B", b, f.QtyScale);
        }

        if (e.CounterOrderId is { } u)
        {
            w.WriteNumber("U", u);
        }

        if (e.CounterSymbol is { } cs)
        {
            w.WriteString("Cs", cs);
        }

        if (e.ExpiryReason != SpotExpiryReason.None)
        {
            w.WriteString("eR", e.ExpiryReason.ToWire());
        }

        w.WriteEndObject();
    }

    public static void WriteAccountPosition(Utf8JsonWriter w, SpotAccountPosition e)
    {
        w.WriteStartObject();
        w.WriteString("e", "outboundAccountPosition");
        w.WriteNumber("E", e.EventTime);
        w.WriteNumber("u", e.LastUpdateTime);
        w.WriteStartArray("B");
        foreach (var b in e.Balances)
        {
            w.WriteStartObject();
            w.WriteString("a", b.Asset);
            w.WriteFixed("f", b.Free, 8);
            w.WriteFixed("l", b.Locked, 8);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteBalanceUpdate(Utf8JsonWriter w, SpotBalanceUpdate e)
    {
        w.WriteStartObject();
        w.WriteString("e", "balanceUpdate");
        w.WriteNumber("E", e.EventTime);
        w.WriteString("a", e.Asset);
        w.WriteFixed("d", e.Delta, 8);
        w.WriteNumber("T", e.ClearTime);
        w.WriteEndObject();
    }

    public static void WriteListStatus(Utf8JsonWriter w, SpotListStatus e)
    {
        w.WriteStartObject();
        w.WriteString("e", "listStatus");
        w.WriteNumber("E", e.EventTime);
        w.WriteString("s", e.Symbol);
        w.WriteNumber("g", e.OrderListId);
        w.WriteString("c", e.ContingencyType.ToWire());
        w.WriteString("l", e.ListStatusType.ToWire());
        w.WriteString("L", e.ListOrderStatus.ToWire());
        w.WriteString("r", e.ListRejectReason);
        w.WriteString("C", e.ListClientOrderId);
        w.WriteNumber("T", e.TransactionTime);
        w.WriteStartArray("O");
        foreach (var o in e.Orders)
        {
            w.WriteStartObject();
            w.WriteString("s", o.Symbol);
            w.WriteNumber("i", o.OrderId);
            w.WriteString("c", o.ClientOrderId);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFills(Utf8JsonWriter w, IReadOnlyList<SpotFill> fills, SymbolFormat f)
    {
        w.WriteStartArray("fills");
        foreach (var fill in fills)
        {
            w.WriteStartObject();
            w.WriteFixed("price", fill.Price, f.PriceScale);
            w.WriteFixed("qty", fill.Qty, f.QtyScale);
            w.WriteFixed("commission", fill.Commission, 8);
            w.WriteString("commissionAsset", fill.CommissionAsset);
            w.WriteNumber("tradeId", fill.TradeId);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>stopPrice, written only for stop types that have one.</summary>
    private static void WriteStopPrice(Utf8JsonWriter w, SpotOrderView o, SymbolFormat f)
    {
        if (o.Type is SpotOrderType.StopLoss or SpotOrderType.StopLossLimit or SpotOrderType.TakeProfit or SpotOrderType.TakeProfitLimit
            && o.StopPrice > 0)
        {
            w.WriteFixed("stopPrice", o.StopPrice, f.PriceScale);
        }
    }

    /// <summary>icebergQty, written only for iceberg orders.</summary>
    private static void WriteIcebergQty(Utf8JsonWriter w, SpotOrderView o, SymbolFormat f)
    {
        if (o.IcebergQty > 0)
        {
            w.WriteFixed("icebergQty", o.IcebergQty, f.QtyScale);
        }
    }

    private static void WriteExpiryReason(Utf8JsonWriter w, SpotOrderView o)
    {
        if (o.ExpiryReason != SpotExpiryReason.None)
        {
            w.WriteString("expiryReason", o.ExpiryReason.ToWire());
        }
    }

    private static void WriteTrailingAndStrategy(Utf8JsonWriter w, SpotOrderView o)
    {
        if (o.TrailingDelta is { } trailingDelta)
        {
            w.WriteNumber("trailingDelta", trailingDelta);
        }

        if (o.TrailingTime is { } trailingTime)
        {
            w.WriteNumber("trailingTime", trailingTime);
        }

        if (o.StrategyId is { } strategyId)
        {
            w.WriteNumber("strategyId", strategyId);
        }

        if (o.StrategyType is { } strategyType)
        {
            w.WriteNumber("strategyType", strategyType);
        }
    }

    private static void WritePrevented(Utf8JsonWriter w, SpotOrderView o, SymbolFormat f)
    {
        if (o.PreventedMatchId is { } id)
        {
            w.WriteNumber("preventedMatchId", id);
        }

        if (o.PreventedQuantity is { } qty)
        {
            w.WriteFixed("preventedQuantity", qty, f.QtyScale);
        }
    }
}
