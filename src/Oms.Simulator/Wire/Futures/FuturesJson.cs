using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Json;

namespace Oms.Simulator.Wire.Futures;

/// <summary>Which field layout a futures order object uses (Binance's differ per endpoint).</summary>
public enum FuturesOrderLayout
{
    /// <summary>New order / modify (WS API order.place, order.modify samples).</summary>
    Placement,

    /// <summary>DELETE /fapi/v1/order.</summary>
    Cancel,

    /// <summary>GET /fapi/v1/order, openOrders, allOrders.</summary>
    Query,
}

/// <summary>Renders USDⓈ-M REST / WS API bodies and user-data events field by field (REFERENCE §5).</summary>
public static class FuturesJson
{
    private const int WalletScale = 8;

    /// <summary>An order object in the layout of the endpoint that returns it.</summary>
    public static void WriteOrder(Utf8JsonWriter w, FuturesOrderView o, FuturesOrderLayout layout, SymbolFormat f)
    {
        w.WriteStartObject();
        switch (layout)
        {
            case FuturesOrderLayout.Placement:
                w.WriteNumber("orderId", o.OrderId);
                w.WriteString("symbol", o.Symbol);
                w.WriteString("status", o.Status.ToWire());
                w.WriteString("clientOrderId", o.ClientOrderId);
                w.WriteFixed("price", o.Price, f.PriceScale);
                w.WriteFixed("avgPrice", o.AvgPrice, f.PriceScale);
                w.WriteFixed("origQty", o.OrigQty, f.QtyScale);
                w.WriteFixed("executedQty", o.ExecutedQty, f.QtyScale);
                w.WriteFixed("cumQty", o.ExecutedQty, f.QtyScale);
                w.WriteFixed("cumQuote", o.CumQuote, f.QuoteScale);
                w.WriteString("timeInForce", o.TimeInForce.ToWire());
                w.WriteString("type", o.Type.ToWire());
                w.WriteBoolean("reduceOnly", o.ReduceOnly);
                w.WriteBoolean("closePosition", o.ClosePosition);
                w.WriteString("side", o.Side.ToWire());
                w.WriteString("positionSide", o.PositionSide.ToWire());
                w.WriteFixed("stopPrice", o.StopPrice, f.PriceScale);
                w.WriteString("workingType", o.WorkingType.ToWire());
                w.WriteBoolean("priceProtect", o.PriceProtect);
                w.WriteString("origType", o.OrigType.ToWire());
                WriteTrailing(w, o, f);
                w.WriteString("priceMatch", o.PriceMatch.ToWire());
                w.WriteString("selfTradePreventionMode", o.SelfTradePreventionMode.ToWire());
                w.WriteNumber("goodTillDate", o.GoodTillDate);
                w.WriteNumber("updateTime", o.UpdateTime);
                break;
            default:
                WriteListedOrderFields(w, o, cancel: layout == FuturesOrderLayout.Cancel, f);
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>An algo order: <paramref name="query"/> selects the GET layout (actualOrderId, tp/sl fields).</summary>
    public static void WriteAlgoOrder(Utf8JsonWriter w, AlgoOrderView a, bool query, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteNumber("algoId", a.AlgoId);
        w.WriteString("clientAlgoId", a.ClientAlgoId);
        w.WriteString("algoType", a.AlgoType);
        w.WriteString("orderType", a.OrderType.ToWire());
        w.WriteString("symbol", a.Symbol);
        w.WriteString("side", a.Side.ToWire());
        w.WriteString("positionSide", a.PositionSide.ToWire());
        w.WriteString("timeInForce", a.TimeInForce.ToWire());
        w.WriteFixed("quantity", a.Quantity, f.QtyScale);
        w.WriteString("algoStatus", a.AlgoStatus.ToWire());
        if (query)
        {
            w.WriteString("actualOrderId", a.ActualOrderId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
            w.WriteFixed("actualPrice", a.ActualPrice, f.PriceScale);
        }

        w.WriteFixed("triggerPrice", a.TriggerPrice, f.PriceScale);
        w.WriteFixed("price", a.Price, f.PriceScale);
        w.WriteNull("icebergQuantity");
        if (query)
        {
            w.WriteFixed("tpTriggerPrice", 0m, f.PriceScale);
            w.WriteFixed("tpPrice", 0m, f.PriceScale);
            w.WriteFixed("slTriggerPrice", 0m, f.PriceScale);
            w.WriteFixed("slPrice", 0m, f.PriceScale);
            w.WriteString("tpOrderType", "");
        }

        w.WriteString("selfTradePreventionMode", a.SelfTradePreventionMode.ToWire());
        w.WriteString("workingType", a.WorkingType.ToWire());
        w.WriteString("priceMatch", a.PriceMatch.ToWire());
        w.WriteBoolean("closePosition", a.ClosePosition);
        w.WriteBoolean("priceProtect", a.PriceProtect);
        w.WriteBoolean("reduceOnly", a.ReduceOnly);
        if (!query || a.OrderType == FuturesOrderType.TrailingStopMarket)
        {
            w.WriteString("activatePrice", a.ActivatePrice is { } ap ? Fmt.Fixed(ap, f.PriceScale) : "");
            w.WriteString("callbackRate", a.CallbackRate is { } cr ? Fmt.Plain(cr) : "");
        }

        w.WriteNumber("createTime", a.CreateTime);
        w.WriteNumber("updateTime", a.UpdateTime);
        w.WriteNumber("triggerTime", a.TriggerTime);
        w.WriteNumber("goodTillDate", a.GoodTillDate);
        w.WriteEndObject();
    }

    /// <summary>DELETE /fapi/v1/algoOrder body.</summary>
    public static void WriteAlgoCancel(Utf8JsonWriter w, AlgoOrderView a)
    {
        w.WriteStartObject();
        w.WriteNumber("algoId", a.AlgoId);
        w.WriteString("clientAlgoId", a.ClientAlgoId);
        w.WriteString("code", "200");
        w.WriteString("msg", "success");
        w.WriteEndObject();
    }

    /// <summary><c>{"code":200,"msg":…}</c> bodies (marginType, positionSide/dual, allOpenOrders).</summary>
    public static void WriteCodeMsg(Utf8JsonWriter w, string msg) => w.WriteCodeMsg(200, msg);

    /// <summary>GET /fapi/v3/positionRisk element.</summary>
    public static void WritePositionRiskV3(Utf8JsonWriter w, PositionView p, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("symbol", p.Symbol);
        w.WriteString("positionSide", p.PositionSide.ToWire());
        w.WriteFixed("positionAmt", p.PositionAmt, f.QtyScale);
        w.WritePlain("entryPrice", p.EntryPrice);
        w.WritePlain("breakEvenPrice", p.BreakEvenPrice);
        w.WriteFixed("markPrice", p.MarkPrice, WalletScale);
        w.WriteFixed("unRealizedProfit", p.UnRealizedProfit, WalletScale);
        w.WritePlain("liquidationPrice", p.LiquidationPrice);
        w.WritePlain("isolatedMargin", p.IsolatedMargin);
        w.WriteFixed("notional", p.Notional, WalletScale);
        w.WriteString("marginAsset", p.MarginAsset);
        w.WritePlain("isolatedWallet", p.IsolatedWallet);
        w.WriteFixed("initialMargin", p.InitialMargin, WalletScale);
        w.WriteFixed("maintMargin", p.MaintMargin, WalletScale);
        w.WriteFixed("positionInitialMargin", p.PositionInitialMargin, WalletScale);
        w.WritePlain("openOrderInitialMargin", p.OpenOrderInitialMargin);
        w.WriteNumber("adl", p.Adl);
        w.WritePlain("bidNotional", p.BidNotional);
        w.WritePlain("askNotional", p.AskNotional);
        w.WriteNumber("updateTime", p.UpdateTime);
        w.WriteEndObject();
    }

    /// <summary>GET /fapi/v2/positionRisk element.</summary>
    public static void WritePositionRiskV2(Utf8JsonWriter w, PositionView p, decimal maxNotionalValue, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteString("symbol", p.Symbol);
        w.WriteFixed("positionAmt", p.PositionAmt, f.QtyScale);
        w.WritePlain("entryPrice", p.EntryPrice);
        w.WritePlain("breakEvenPrice", p.BreakEvenPrice);
        w.WriteFixed("markPrice", p.MarkPrice, WalletScale);
        w.WriteFixed("unRealizedProfit", p.UnRealizedProfit, WalletScale);
        w.WritePlain("liquidationPrice", p.LiquidationPrice);
        w.WriteString("leverage", p.Leverage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WritePlain("maxNotionalValue", maxNotionalValue);
        w.WriteString("marginType", EventMarginType(p.MarginType));
        w.WriteFixed("isolatedMargin", p.IsolatedMargin, WalletScale);
        w.WriteString("isAutoAddMargin", "false");
        w.WriteString("positionSide", p.PositionSide.ToWire());
        w.WritePlain("notional", p.Notional);
        w.WritePlain("isolatedWallet", p.IsolatedWallet);
        w.WriteNumber("updateTime", p.UpdateTime);
        w.WriteEndObject();
    }

    /// <summary>GET /fapi/v2|v3/balance element.</summary>
    public static void WriteBalance(Utf8JsonWriter w, FuturesAssetView a, string accountAlias)
    {
        w.WriteStartObject();
        w.WriteString("accountAlias", accountAlias);
        w.WriteString("asset", a.Asset);
        w.WriteFixed("balance", a.WalletBalance, WalletScale);
        w.WriteFixed("crossWalletBalance", a.CrossWalletBalance, WalletScale);
        w.WriteFixed("crossUnPnl", a.CrossUnPnl, WalletScale);
        w.WriteFixed("availableBalance", a.AvailableBalance, WalletScale);
        w.WriteFixed("maxWithdrawAmount", a.MaxWithdrawAmount, WalletScale);
        w.WriteBoolean("marginAvailable", true);
        w.WriteNumber("updateTime", a.UpdateTime);
        w.WriteEndObject();
    }

    /// <summary>GET /fapi/v3/account (single-asset mode layout).</summary>
    public static void WriteAccountV3(Utf8JsonWriter w, FuturesAccountView a, Func<string, SymbolFormat> format)
    {
        w.WriteStartObject();
        WriteAccountTotals(w, a);
        w.WriteArray("assets", a.Assets, static (w, asset) => WriteAccountAsset(w, asset, marginAvailable: null));
        w.WriteStartArray("positions");
        foreach (var p in a.Positions)
        {
            w.WriteStartObject();
            w.WriteString("symbol", p.Symbol);
            w.WriteString("positionSide", p.PositionSide.ToWire());
            w.WriteFixed("positionAmt", p.PositionAmt, format(p.Symbol).QtyScale);
            w.WriteFixed("unrealizedProfit", p.UnRealizedProfit, WalletScale);
            w.WriteFixed("isolatedMargin", p.IsolatedMargin, WalletScale);
            w.WritePlain("notional", p.Notional);
            w.WritePlain("isolatedWallet", p.IsolatedWallet);
            w.WritePlain("initialMargin", p.InitialMargin);
            w.WritePlain("maintMargin", p.MaintMargin);
            w.WriteNumber("updateTime", p.UpdateTime);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>GET /fapi/v2/account (older, fuller layout: flags, per-asset marginAvailable, positions with leverage).</summary>
    public static void WriteAccountV2(Utf8JsonWriter w, FuturesAccountView a, Func<string, SymbolFormat> format, long updateTime)
    {
        w.WriteStartObject();
        w.WriteNumber("feeTier", 0);
        w.WriteBoolean("feeBurn", false);
        w.WriteBoolean("canTrade", a.CanTrade);
        w.WriteBoolean("canDeposit", true);
        w.WriteBoolean("canWithdraw", true);
        w.WriteNumber("updateTime", updateTime);
        w.WriteBoolean("multiAssetsMargin", false);
        w.WriteNumber("tradeGroupId", -1);
        WriteAccountTotals(w, a);
        w.WriteArray("assets", a.Assets, static (w, asset) => WriteAccountAsset(w, asset, marginAvailable: true));
        w.WriteStartArray("positions");
        foreach (var p in a.Positions)
        {
            w.WriteStartObject();
            w.WriteString("symbol", p.Symbol);
            w.WriteFixed("initialMargin", p.InitialMargin, WalletScale);
            w.WriteFixed("maintMargin", p.MaintMargin, WalletScale);
            w.WriteFixed("unrealizedProfit", p.UnRealizedProfit, WalletScale);
            w.WriteFixed("positionInitialMargin", p.PositionInitialMargin, WalletScale);
            w.WriteFixed("openOrderInitialMargin", p.OpenOrderInitialMargin, WalletScale);
            w.WriteString("leverage", p.Leverage.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteBoolean("isolated", p.MarginType == MarginType.Isolated);
            w.WritePlain("entryPrice", p.EntryPrice);
            w.WritePlain("breakEvenPrice", p.BreakEvenPrice);
            w.WriteString("maxNotional", "0");
            w.WritePlain("bidNotional", p.BidNotional);
            w.WritePlain("askNotional", p.AskNotional);
            w.WriteString("positionSide", p.PositionSide.ToWire());
            w.WriteFixed("positionAmt", p.PositionAmt, format(p.Symbol).QtyScale);
            w.WriteNumber("updateTime", p.UpdateTime);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>GET /fapi/v1/userTrades element.</summary>
    public static void WriteUserTrade(Utf8JsonWriter w, FuturesTradeView t, SymbolFormat f)
    {
        w.WriteStartObject();
        w.WriteBoolean("buyer", t.Buyer);
        w.WriteFixed("commission", t.Commission, WalletScale);
        w.WriteString("commissionAsset", t.CommissionAsset);
        w.WriteNumber("id", t.Id);
        w.WriteBoolean("maker", t.Maker);
        w.WriteNumber("orderId", t.OrderId);
        w.WriteFixed("price", t.Price, f.PriceScale);
        w.WriteFixed("qty", t.Qty, f.QtyScale);
        w.WriteFixed("quoteQty", t.QuoteQty, f.QuoteScale);
        w.WriteFixed("realizedPnl", t.RealizedPnl, WalletScale);
        w.WriteString("side", t.Side.ToWire());
        w.WriteString("positionSide", t.PositionSide.ToWire());
        w.WriteString("symbol", t.Symbol);
        w.WriteNumber("time", t.Time);
        w.WriteEndObject();
    }

    /// <summary>GET /fapi/v1/income element.</summary>
    public static void WriteIncome(Utf8JsonWriter w, IncomeView i)
    {
        w.WriteStartObject();
        w.WriteString("symbol", i.Symbol);
        w.WriteString("incomeType", i.IncomeType.ToWire());
        w.WriteFixed("income", i.Income, WalletScale);
        w.WriteString("asset", i.Asset);
        w.WriteString("info", i.Info);
        w.WriteNumber("time", i.Time);
        w.WriteNumber("tranId", i.TranId);
        w.WriteString("tradeId", i.TradeId);
        w.WriteEndObject();
    }

    // ------------------------------------------------------------------ user data events (§5.8)

    public static void WriteOrderTradeUpdate(Utf8JsonWriter w, FuturesOrderTradeUpdate e)
    {
        w.WriteStartObject();
        w.WriteString("e", "ORDER_TRADE_UPDATE");
        w.WriteNumber("E", e.EventTime);
        w.WriteNumber("T", e.TransactionTime);
        w.WriteStartObject("o");
        w.WriteString("s", e.Symbol);
        w.WriteString("c", e.ClientOrderId);
        w.WriteString("S", e.Side.ToWire());
        w.WriteString("o", e.OrderType.ToWire());
        w.WriteString("f", e.TimeInForce.ToWire());
        w.WritePlain("q", e.OrigQty);
        w.WritePlain("p", e.OrigPrice);
        w.WritePlain("ap", e.AvgPrice);
        w.WritePlain("sp", e.StopPrice);
        w.WriteString("x", e.ExecutionType.ToWire());
        w.WriteString("X", e.OrderStatus.ToWire());
        w.WriteNumber("i", e.OrderId);
        w.WritePlain("l", e.LastFilledQty);
        w.WritePlain("z", e.CumulativeFilledQty);
        w.WritePlain("L", e.LastFilledPrice);
        w.WriteString("N", e.CommissionAsset);
        w.WritePlain("n", e.Commission);
        w.WriteNumber("T", e.TradeTime);
        w.WriteNumber("t", e.TradeId);
        w.WritePlain("b", e.BidsNotional);
        w.WritePlain("a", e.AsksNotional);
        w.WriteBoolean("m", e.IsMaker);
        w.WriteBoolean("R", e.IsReduceOnly);
        w.WriteString("wt", e.WorkingType.ToWire());
        w.WriteString("ot", e.OriginalOrderType.ToWire());
        w.WriteString("ps", e.PositionSide.ToWire());
        w.WriteBoolean("cp", e.ClosePosition);
        if (e.ActivationPrice is { } activation)
        {
            w.WritePlain("AP", activation);
        }

        if (e.CallbackRate is { } callback)
        {
            w.WritePlain("cr", callback);
        }

        w.WriteBoolean("pP", e.PriceProtect);
        w.WriteNumber("si", 0);
        w.WriteNumber("ss", 0);
        w.WritePlain("rp", e.RealizedProfit);
        w.WriteString("V", e.SelfTradePreventionMode.ToWire());
        w.WriteString("pm", e.PriceMatch.ToWire());
        w.WriteNumber("gtd", e.GoodTillDate);
        w.WriteString("er", ((int)e.ExpiryReason).ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteAccountUpdate(Utf8JsonWriter w, FuturesAccountUpdate e)
    {
        w.WriteStartObject();
        w.WriteString("e", "ACCOUNT_UPDATE");
        w.WriteNumber("E", e.EventTime);
        w.WriteNumber("T", e.TransactionTime);
        w.WriteStartObject("a");
        w.WriteString("m", e.Reason.ToWire());
        w.WriteStartArray("B");
        foreach (var b in e.Balances)
        {
            w.WriteStartObject();
            w.WriteString("a", b.Asset);
            w.WriteFixed("wb", b.WalletBalance, WalletScale);
            w.WriteFixed("cw", b.CrossWalletBalance, WalletScale);
            w.WriteFixed("bc", b.BalanceChange, WalletScale);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("P");
        foreach (var p in e.Positions)
        {
            w.WriteStartObject();
            w.WriteString("s", p.Symbol);
            w.WritePlain("pa", p.PositionAmt);
            w.WritePlain("ep", p.EntryPrice);
            w.WritePlain("bep", p.BreakEvenPrice);
            w.WritePlain("cr", p.AccumulatedRealized);
            w.WritePlain("up", p.UnrealizedPnl);
            w.WriteString("mt", EventMarginType(p.MarginType));
            w.WriteFixed("iw", p.IsolatedWallet, WalletScale);
            w.WriteString("ps", p.PositionSide.ToWire());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteAlgoUpdate(Utf8JsonWriter w, FuturesAlgoUpdate e)
    {
        var a = e.Order;
        w.WriteStartObject();
        w.WriteString("e", "ALGO_UPDATE");
        w.WriteNumber("T", e.TransactionTime);
        w.WriteNumber("E", e.EventTime);
        w.WriteStartObject("o");
        w.WriteString("caid", a.ClientAlgoId);
        w.WriteNumber("aid", a.AlgoId);
        w.WriteString("at", a.AlgoType);
        w.WriteString("o", a.OrderType.ToWire());
        w.WriteString("s", a.Symbol);
        w.WriteString("S", a.Side.ToWire());
        w.WriteString("ps", a.PositionSide.ToWire());
        w.WriteString("f", a.TimeInForce.ToWire());
        w.WritePlain("q", a.Quantity);
        w.WriteString("X", a.AlgoStatus.ToWire());
        w.WriteString("ai", a.ActualOrderId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        w.WriteFixed("ap", a.ActualPrice, 5);
        w.WriteFixed("aq", a.ExecutedQty, 5);
        w.WriteString("act", a.ActualOrderType is { } act ? act.ToWire() : "0");
        w.WritePlain("tp", a.TriggerPrice);
        w.WritePlain("p", a.Price);
        w.WriteString("V", a.SelfTradePreventionMode.ToWire());
        w.WriteString("wt", a.WorkingType.ToWire());
        w.WriteString("pm", a.PriceMatch.ToWire());
        w.WriteBoolean("cp", a.ClosePosition);
        w.WriteBoolean("pP", a.PriceProtect);
        w.WriteBoolean("R", a.ReduceOnly);
        w.WriteNumber("tt", a.TriggerTime);
        w.WriteNumber("gtd", a.GoodTillDate);
        w.WriteString("rm", a.FailureReason);
        if (a.OrderType == FuturesOrderType.TrailingStopMarket)
        {
            w.WriteBoolean("ia", a.IsActivated);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteMarginCall(Utf8JsonWriter w, FuturesMarginCall e)
    {
        w.WriteStartObject();
        w.WriteString("e", "MARGIN_CALL");
        w.WriteNumber("E", e.EventTime);
        if (e.CrossWalletBalance is { } cw)
        {
            w.WriteFixed("cw", cw, WalletScale);
        }

        w.WriteStartArray("p");
        foreach (var p in e.Positions)
        {
            w.WriteStartObject();
            w.WriteString("s", p.Symbol);
            w.WriteString("ps", p.PositionSide.ToWire());
            w.WritePlain("pa", p.PositionAmt);
            w.WriteString("mt", p.MarginType.ToWire());
            w.WritePlain("iw", p.IsolatedWallet);
            w.WritePlain("mp", p.MarkPrice);
            w.WritePlain("up", p.UnrealizedPnl);
            w.WritePlain("mm", p.MaintMargin);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteAccountConfigUpdate(Utf8JsonWriter w, FuturesAccountConfigUpdate e)
    {
        w.WriteStartObject();
        w.WriteString("e", "ACCOUNT_CONFIG_UPDATE");
        w.WriteNumber("E", e.EventTime);
        w.WriteNumber("T", e.TransactionTime);
        if (e.Symbol is not null && e.Leverage is { } leverage)
        {
            w.WriteStartObject("ac");
            w.WriteString("s", e.Symbol);
            w.WriteNumber("l", leverage);
            w.WriteEndObject();
        }

        if (e.MultiAssetsMode is { } multiAssets)
        {
            w.WriteStartObject("ai");
            w.WriteBoolean("j", multiAssets);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary><c>listenKeyExpired</c>; <c>E</c> is a string as in Binance's documented example.</summary>
    public static void WriteListenKeyExpired(Utf8JsonWriter w, long eventTime, string listenKey)
    {
        w.WriteStartObject();
        w.WriteString("e", "listenKeyExpired");
        w.WriteString("E", eventTime.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("listenKey", listenKey);
        w.WriteEndObject();
    }

    /// <summary>User-data events spell margin type in lower case: <c>cross</c> / <c>isolated</c>.</summary>
    public static string EventMarginType(MarginType type) => type == MarginType.Isolated ? "isolated" : "cross";

    /// <summary>
    /// The Cancel and Query layouts (DELETE and GET /fapi/v1/order and the order lists), which Binance prints in the
    /// same, nearly alphabetical order: the cancel answer has <c>cumQty</c> where the query has <c>avgPrice</c> and <c>time</c>.
    /// </summary>
    private static void WriteListedOrderFields(Utf8JsonWriter w, FuturesOrderView o, bool cancel, SymbolFormat f)
    {
        if (!cancel)
        {
            w.WriteFixed("avgPrice", o.AvgPrice, f.PriceScale);
        }

        w.WriteString("clientOrderId", o.ClientOrderId);
        if (cancel)
        {
            w.WriteFixed("cumQty", o.ExecutedQty, f.QtyScale);
        }

        w.WriteFixed("cumQuote", o.CumQuote, f.QuoteScale);
        w.WriteFixed("executedQty", o.ExecutedQty, f.QtyScale);
        w.WriteNumber("orderId", o.OrderId);
        w.WriteFixed("origQty", o.OrigQty, f.QtyScale);
        w.WriteString("origType", o.OrigType.ToWire());
        w.WriteFixed("price", o.Price, f.PriceScale);
        w.WriteBoolean("reduceOnly", o.ReduceOnly);
        w.WriteString("side", o.Side.ToWire());
        w.WriteString("positionSide", o.PositionSide.ToWire());
        w.WriteString("status", o.Status.ToWire());
        w.WriteFixed("stopPrice", o.StopPrice, f.PriceScale);
        w.WriteBoolean("closePosition", o.ClosePosition);
        w.WriteString("symbol", o.Symbol);
        if (!cancel)
        {
            w.WriteNumber("time", o.Time);
        }

        w.WriteString("timeInForce", o.TimeInForce.ToWire());
        w.WriteString("type", o.Type.ToWire());
        WriteTrailing(w, o, f);
        w.WriteNumber("updateTime", o.UpdateTime);
        w.WriteString("workingType", o.WorkingType.ToWire());
        w.WriteBoolean("priceProtect", o.PriceProtect);
        w.WriteString("priceMatch", o.PriceMatch.ToWire());
        w.WriteString("selfTradePreventionMode", o.SelfTradePreventionMode.ToWire());
        w.WriteNumber("goodTillDate", o.GoodTillDate);
    }

    private static void WriteTrailing(Utf8JsonWriter w, FuturesOrderView o, SymbolFormat f)
    {
        if (o.ActivatePrice is { } activate)
        {
            w.WriteFixed("activatePrice", activate, f.PriceScale);
        }

        if (o.PriceRate is { } rate)
        {
            w.WritePlain("priceRate", rate);
        }
    }

    private static void WriteAccountTotals(Utf8JsonWriter w, FuturesAccountView a)
    {
        w.WriteFixed("totalInitialMargin", a.TotalInitialMargin, WalletScale);
        w.WriteFixed("totalMaintMargin", a.TotalMaintMargin, WalletScale);
        w.WriteFixed("totalWalletBalance", a.TotalWalletBalance, WalletScale);
        w.WriteFixed("totalUnrealizedProfit", a.TotalUnrealizedProfit, WalletScale);
        w.WriteFixed("totalMarginBalance", a.TotalMarginBalance, WalletScale);
        w.WriteFixed("totalPositionInitialMargin", a.TotalPositionInitialMargin, WalletScale);
        w.WriteFixed("totalOpenOrderInitialMargin", a.TotalOpenOrderInitialMargin, WalletScale);
        w.WriteFixed("totalCrossWalletBalance", a.TotalCrossWalletBalance, WalletScale);
        w.WriteFixed("totalCrossUnPnl", a.TotalCrossUnPnl, WalletScale);
        w.WriteFixed("availableBalance", a.AvailableBalance, WalletScale);
        w.WriteFixed("maxWithdrawAmount", a.MaxWithdrawAmount, WalletScale);
    }

    private static void WriteAccountAsset(Utf8JsonWriter w, FuturesAssetView asset, bool? marginAvailable)
    {
        w.WriteStartObject();
        w.WriteString("asset", asset.Asset);
        w.WriteFixed("walletBalance", asset.WalletBalance, WalletScale);
        w.WriteFixed("unrealizedProfit", asset.UnrealizedProfit, WalletScale);
        w.WriteFixed("marginBalance", asset.MarginBalance, WalletScale);
        w.WriteFixed("maintMargin", asset.MaintMargin, WalletScale);
        w.WriteFixed("initialMargin", asset.InitialMargin, WalletScale);
        w.WriteFixed("positionInitialMargin", asset.PositionInitialMargin, WalletScale);
        w.WriteFixed("openOrderInitialMargin", asset.OpenOrderInitialMargin, WalletScale);
        w.WriteFixed("crossWalletBalance", asset.CrossWalletBalance, WalletScale);
        w.WriteFixed("crossUnPnl", asset.CrossUnPnl, WalletScale);
        w.WriteFixed("availableBalance", asset.AvailableBalance, WalletScale);
        w.WriteFixed("maxWithdrawAmount", asset.MaxWithdrawAmount, WalletScale);
        if (marginAvailable is { } available)
        {
            w.WriteBoolean("marginAvailable", available);
        }

        w.WriteNumber("updateTime", asset.UpdateTime);
        w.WriteEndObject();
    }
}
