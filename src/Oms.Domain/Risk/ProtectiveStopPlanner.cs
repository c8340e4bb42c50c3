namespace Oms.Domain;

/// <summary>A protective stop the account has working for a leg: its side, size and trigger price.</summary>
public readonly record struct WorkingStop(OrderSide Side, decimal Quantity, decimal StopPrice);

public enum ProtectiveStopAction
{
    /// <summary>The working stop (or its absence) is already right.</summary>
    None = 0,
    /// <summary>Place <see cref="ProtectiveStopDecision.Spec"/>: the leg has no stop yet.</summary>
    Place = 1,
    /// <summary>Cancel the working stop and place <see cref="ProtectiveStopDecision.Spec"/> (size or price changed; stops are not amendable on every venue).</summary>
    Replace = 2,
    /// <summary>Cancel the working stop: the leg is flat, or too small to protect.</summary>
    Cancel = 3,
}

/// <summary>What to do with a leg's protective stop after its position changed.</summary>
public sealed record ProtectiveStopDecision(ProtectiveStopAction Action, OrderSpec? Spec, string Reason);

/// <summary>
/// The automatic stop-loss decision, pure: given the policy, the leg's position and average entry, and the stop that is
/// working, which stop should exist. The stop is a STOP_MARKET on the closing side for the whole position (rounded down
/// to the market step), triggered at the policy's distance from the average entry (rounded away from the entry to the
/// tick, so the stop is never tighter than the policy). Derivatives stops are reduce-only in one-way mode and carry the
/// leg's position side in hedge mode; spot has no reduce-only, so a spot stop sells exactly the position.
/// </summary>
public static class ProtectiveStopPlanner
{
    public static ProtectiveStopDecision Plan(ProtectiveStopPolicy policy, InstrumentSpec instrument, PositionMode mode, PositionSide leg,
        decimal position, decimal averageEntry, WorkingStop? working)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(instrument);
        if (position == 0m)
        {
            return working is null
                ? new ProtectiveStopDecision(ProtectiveStopAction.None, null, "the position is flat")
                : new ProtectiveStopDecision(ProtectiveStopAction.Cancel, null, "the position is flat: its stop is no longer needed");
        }

        var side = position > 0m ? OrderSide.Sell : OrderSide.Buy;
        if (averageEntry <= 0m) return Drop(working, $"the position has no average entry price to place a stop from");
        var distance = policy.Kind == StopDistanceKind.Percent ? averageEntry * policy.Distance / 100m : policy.Distance;
        var raw = side == OrderSide.Sell ? averageEntry - distance : averageEntry + distance;
        if (raw <= 0m) return Drop(working, $"a stop {PreTradeRiskEngine.Fmt(distance)} away from the entry {PreTradeRiskEngine.Fmt(averageEntry)} is at or below zero");
        // Rounded away from the entry: down for a sell stop (NormalizePrice floors buys), up for a buy stop.
        var stop = instrument.NormalizePrice(raw, side == OrderSide.Sell ? OrderSide.Buy : OrderSide.Sell);
        if (instrument.MinPrice > 0m && stop < instrument.MinPrice) stop = instrument.MinPrice;
        if (instrument.MaxPrice > 0m && stop > instrument.MaxPrice) return Drop(working, $"the stop price {PreTradeRiskEngine.Fmt(stop)} is above the instrument's maximum price");

        var quantity = instrument.NormalizeQuantity(Math.Abs(position), isMarket: true);
        var spec = new OrderSpec
        {
            Instrument = instrument.Id,
            Side = side,
            Type = OrderType.StopMarket,
            Quantity = quantity,
            StopPrice = stop,
            TimeInForce = TimeInForce.Gtc,
            ReduceOnly = instrument.Market != MarketType.Spot && mode == PositionMode.OneWay,
            PositionSide = instrument.Market != MarketType.Spot && mode == PositionMode.Hedge ? leg : PositionSide.Both,
            TriggerPriceType = instrument.Market == MarketType.Spot ? TriggerPriceType.LastPrice : policy.TriggerPrice,
        };
        if (quantity <= 0m || instrument.Check(0m, quantity, isMarket: true, stop) is { } tooSmall && tooSmall.Code is DenialCode.QuantityBelowMin or DenialCode.NotionalBelowMin)
        {
            return Drop(working, $"the position {PreTradeRiskEngine.Fmt(position)} is too small for a stop order on {instrument.Id}");
        }

        var describe = $"{side} stop of {PreTradeRiskEngine.Fmt(quantity)} at {PreTradeRiskEngine.Fmt(stop)} for the position {PreTradeRiskEngine.Fmt(position)} entered at {PreTradeRiskEngine.Fmt(averageEntry)}";
        if (working is not { } current) return new ProtectiveStopDecision(ProtectiveStopAction.Place, spec, describe);
        if (current.Side == side && current.Quantity == quantity && current.StopPrice == stop)
            return new ProtectiveStopDecision(ProtectiveStopAction.None, null, "the working stop already matches the position");
        return new ProtectiveStopDecision(ProtectiveStopAction.Replace, spec,
            $"{describe} replaces the {current.Side} stop of {PreTradeRiskEngine.Fmt(current.Quantity)} at {PreTradeRiskEngine.Fmt(current.StopPrice)}");
    }

    private static ProtectiveStopDecision Drop(WorkingStop? working, string reason) => working is null
        ? new ProtectiveStopDecision(ProtectiveStopAction.None, null, reason)
        : new ProtectiveStopDecision(ProtectiveStopAction.Cancel, null, reason);
}
