using System.Globalization;

namespace Oms.Grains;

/// <summary>A step a strategy wants taken on a child order.</summary>
public abstract record ChildAction;

/// <summary>Place a new child order (the next generation of its role).</summary>
public sealed record SubmitChild(ChildRole Role, OrderSpec Spec) : ChildAction;

public sealed record CancelChild(ChildOrderState Child, ChildCancelReason Reason) : ChildAction;

public sealed record AmendChild(ChildOrderState Child, decimal NewQuantity) : ChildAction;

/// <summary>
/// What the planner may look at besides the strategy's state. <paramref name="HoldReconcilingRetries"/>: a child the
/// account denied only because it was reconciling with the venue is not placed again yet (the grain's retry pause is
/// running); everything else is planned as usual.
/// </summary>
public sealed record PlanContext(InstrumentSpec? Instrument, decimal? ReferencePrice, DateTimeOffset Now, ContingentOrderOptions Options, bool HoldReconcilingRetries = false);

/// <summary>The steps due now, and whether the plan changed the state by itself (status, trailing level, resting leg).</summary>
public sealed record StrategyPlan(IReadOnlyList<ChildAction> Actions, bool StateChanged);

/// <summary>
/// Decides, from a strategy's state alone, what is due: level-triggered, so running it again after a lost or duplicate
/// notification, a restart or a failover gives the same answer for the same facts. It never places a child while a
/// sibling's outcome is unknown, and never sizes the children above what may still trade. A child the account denied only
/// because it was reconciling with the venue (<see cref="ChildOrderState.DeniedWhileReconciling"/>: it never reached the
/// venue) ends nothing, whatever the kind: the same child goes out again as the next generation of its role once the
/// grain's pause is over (<see cref="PlanContext.HoldReconcilingRetries"/>); every other denial is final.
/// <list type="bullet">
/// <item>Bracket: each working leg's open quantity equals what the entry filled less what the legs closed; a leg is
/// amended where the venue can, else cancelled and replaced; when nothing is left to protect the legs are cancelled.</item>
/// <item>Iceberg (OMS-managed): one slice at a time, sized min(display, total − filled).</item>
/// <item>Trailing stop (OMS-managed): a resting stop re-priced (cancel, then replace) as the extreme price moves.</item>
/// </list>
/// It mutates only bookkeeping (status, reasons, trailing level, resting leg); child orders change through the actions.
/// </summary>
public static class StrategyPlanner
{
    public static StrategyPlan Plan(ContingentOrderState state, PlanContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (!state.Submitted || state.IsTerminal) return new StrategyPlan([], false);
        // A child whose submit is unconfirmed is resolved first (the grain resubmits it under the same id).
        if (state.Children.Any(c => c.Last is null)) return new StrategyPlan([], false);

        var planner = new Planner(state, context);
        switch (state.Kind)
        {
            case StrategyKind.Bracket:
                planner.Bracket();
                break;
            case StrategyKind.Iceberg when state.Mode == ExecutionMode.Native:
                planner.Single(ChildRole.Slice);
                break;
            case StrategyKind.TrailingStop when state.Mode == ExecutionMode.Native:
                planner.Single(ChildRole.Stop);
                break;
            case StrategyKind.Iceberg:
                planner.Slices();
                break;
            case StrategyKind.TrailingStop:
                planner.Trailing();
                break;
        }
        return new StrategyPlan(planner.Actions, planner.Changed);
    }

    /// <summary>Whether the venue can change this child's quantity in place (limit orders; spot only downwards).</summary>
    public static bool CanAmend(ChildOrderState child, decimal newQuantity)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (child.AmendRefused || child.Last is null || child.Spec.Type is not (OrderType.Limit or OrderType.LimitMaker)) return false;
        return child.Spec.Instrument.Market != MarketType.Spot || newQuantity < child.Last.Quantity;
    }

    /// <summary>The stop level of a trailing stop for an extreme price, on the tick, never closer to the market than the percentage.</summary>
    public static decimal TrailingStop(OrderSide side, decimal extreme, decimal percent, InstrumentSpec? instrument)
    {
        var raw = side == OrderSide.Sell ? extreme * (1m - percent / 100m) : extreme * (1m + percent / 100m);
        if (instrument is null) return raw;
        // NormalizePrice rounds buys down and sells up: a sell stop goes down (away from the market), a buy stop up.
        return instrument.NormalizePrice(raw, side == OrderSide.Sell ? OrderSide.Buy : OrderSide.Sell);
    }

    private sealed class Planner(ContingentOrderState state, PlanContext context)
    {
        public List<ChildAction> Actions { get; } = [];
        public bool Changed { get; private set; }

        private decimal? Price => context.ReferencePrice;

        /// <summary>A child denied while the account reconciled waits for the grain's pause before it goes out again.</summary>
        private bool Held => context.HoldReconcilingRetries;

        /// <summary>A native iceberg or trailing stop: one venue order whose end is the strategy's end.</summary>
        public void Single(ChildRole role)
        {
            var child = state.Children.LastOrDefault();
            if (child is null)
            {
                if (state.CancelRequested) Finish(StrategyStatus.Cancelled, CancelledReason());
                else Actions.Add(new SubmitChild(role, state.Order));
                return;
            }
            if (child.IsOpen)
            {
                if (state.CancelRequested) Cancel(child, ChildCancelReason.StrategyCancelled);
                return;
            }
            if (child.DeniedWhileReconciling)
            {
                if (state.CancelRequested) Finish(StrategyStatus.Cancelled, CancelledReason());
                else if (!Held) Actions.Add(new SubmitChild(role, state.Order));
                return;
            }
            FinishWith(child);
        }

        public void Slices()
        {
            var total = state.Order.Quantity;
            var filled = state.Children.Sum(c => c.Filled);
            var open = state.Children.Where(c => c.IsOpen).ToList();
            if (state.CancelRequested)
            {
                foreach (var child in open) Cancel(child, ChildCancelReason.StrategyCancelled);
                if (open.Count == 0) Finish(StrategyStatus.Cancelled, CancelledReason());
                return;
            }
            if (open.Count > 0) return;
            if (filled >= total)
            {
                Finish(StrategyStatus.Completed, null);
                return;
            }
            switch (state.Children.LastOrDefault())
            {
                case { DeniedWhileReconciling: true } when Held:
                    return;
                case { EndedOutsideStrategy: true, DeniedWhileReconciling: false } last:
                    FinishWith(last);
                    return;
            }
            var size = Math.Min(state.Order.DisplayQuantity ?? total, total - filled);
            Actions.Add(new SubmitChild(ChildRole.Slice, state.Order with { Quantity = size, DisplayQuantity = null }));
        }

        public void Trailing()
        {
            var spec = state.Order;
            var sell = spec.Side == OrderSide.Sell;
            var remaining = spec.Quantity - state.Children.Sum(c => c.Filled);
            var current = state.Children.LastOrDefault();
            var open = current is { IsOpen: true } ? current : null;
            if (state.CancelRequested)
            {
                if (open is not null) Cancel(open, ChildCancelReason.StrategyCancelled);
                else Finish(StrategyStatus.Cancelled, CancelledReason());
                return;
            }
            if (remaining <= 0m)
            {
                if (open is null) Finish(StrategyStatus.Completed, null);
                return;
            }
            if (open is null && current is { EndedOutsideStrategy: true, DeniedWhileReconciling: false })
            {
                FinishWith(current);
                return;
            }

            if (Price is { } price)
            {
                if (!state.TrailingActivated)
                {
                    if (spec.ActivationPrice is not { } activation || (sell ? price >= activation : price <= activation))
                    {
                        state.TrailingActivated = true;
                        state.ExtremePrice = price;
                        Changed = true;
                    }
                }
                else if (state.ExtremePrice is not { } extreme || (sell ? price > extreme : price < extreme))
                {
                    state.ExtremePrice = price;
                }
                if (state.TrailingActivated)
                {
                    var stop = TrailingStop(spec.Side, state.ExtremePrice!.Value, spec.TrailingPercent!.Value, context.Instrument);
                    if (stop != state.TrailingStopPrice)
                    {
                        state.TrailingStopPrice = stop;
                        Changed = true;
                    }
                }
            }
            if (!state.TrailingActivated || state.TrailingStopPrice is not { } level) return;

            var triggered = Price is { } p && (sell ? p <= level : p >= level);
            if (open is not null)
            {
                if (open.Spec.Type != OrderType.StopMarket || open.Status is OrderStatus.PendingNew or OrderStatus.PendingCancel or OrderStatus.PendingReplace) return;
                if (triggered) return; // the resting stop is at or beyond the market: the venue fires it
                var placed = open.Spec.StopPrice!.Value;
                var improvement = sell ? level - placed : placed - level;
                var step = Math.Max(context.Instrument?.TickSize ?? 0m, level * spec.TrailingPercent!.Value / 100m * context.Options.TrailingRepriceFraction);
                if (improvement > 0m && improvement >= step) Cancel(open, ChildCancelReason.Reprice);
                return;
            }
            // The last stop (or market order) was denied while the account reconciled: it goes out again, re-priced
            // from the level now, once the pause is over.
            if (current is { DeniedWhileReconciling: true } && Held) return;
            var child = new OrderSpec
            {
                Instrument = spec.Instrument,
                Side = spec.Side,
                Type = triggered ? OrderType.Market : OrderType.StopMarket,
                Quantity = remaining,
                StopPrice = triggered ? null : level,
                ReduceOnly = spec.ReduceOnly,
                PositionSide = spec.PositionSide,
                TriggerPriceType = spec.TriggerPriceType,
                StrategyTag = spec.StrategyTag,
            };
            Actions.Add(new SubmitChild(ChildRole.Stop, child));
        }

        public void Bracket()
        {
            // The latest entry: earlier generations can only be entries denied while the account reconciled (no fills).
            var entry = state.Children.Where(c => c.Role == ChildRole.Entry).MaxBy(c => c.Generation);
            if (entry is null)
            {
                if (state.CancelRequested) Finish(StrategyStatus.Cancelled, CancelledReason());
                else Actions.Add(new SubmitChild(ChildRole.Entry, state.Order));
                return;
            }
            var legs = state.Children.Where(c => c.Role is ChildRole.StopLoss or ChildRole.TakeProfit).ToList();
            var entryFilled = state.Children.Where(c => c.Role == ChildRole.Entry).Sum(c => c.Filled);
            var closed = legs.Sum(c => c.Filled);
            var open = Math.Max(0m, entryFilled - closed);

            if (state.CancelRequested)
            {
                var working = state.Children.Where(c => c.IsOpen).ToList();
                foreach (var child in working) Cancel(child, ChildCancelReason.StrategyCancelled);
                if (working.Count == 0)
                {
                    Finish(StrategyStatus.Cancelled, open > 0m
                        ? $"{CancelledReason()}; {Fmt(open)} of the entry's fills are no longer protected"
                        : CancelledReason());
                }
                return;
            }

            // An exit filled while the entry still works: the trade is over, stop entering.
            if (entry.IsOpen && closed > 0m) Cancel(entry, ChildCancelReason.ExitFilled);

            if (!entry.IsOpen && entryFilled == 0m)
            {
                if (!entry.DeniedWhileReconciling) FinishWith(entry);
                else if (!Held) Actions.Add(new SubmitChild(ChildRole.Entry, state.Order));
                return;
            }

            var spotSwap = state.StopLoss is not null && state.TakeProfit is not null && state.Order.Instrument.Market == MarketType.Spot;
            if (spotSwap) ChooseRestingLeg();

            foreach (var (role, leg) in new[] { (ChildRole.StopLoss, state.StopLoss), (ChildRole.TakeProfit, state.TakeProfit) })
            {
                if (leg is null) continue;
                var current = legs.Where(c => c.Role == role).MaxBy(c => c.Generation);
                var stopped = state.StoppedLegs.ContainsKey(role);
                var rests = !spotSwap || state.RestingLeg == role;
                var want = rests && !stopped ? open : 0m;
                if (current is { IsOpen: true })
                {
                    Adjust(current, want, open == 0m ? ChildCancelReason.NothingToProtect : ChildCancelReason.Swap);
                    continue;
                }
                if (stopped) continue;
                if (current is { DeniedWhileReconciling: true })
                {
                    // Never reached the venue: placed again (for what is open now) once the pause is over, and until
                    // then the strategy neither completes nor fails on its account.
                    if (Held) continue;
                }
                else if (current is { EndedOutsideStrategy: true })
                {
                    // A leg the filters found too small (a first partial fill) is tried again once the entry filled
                    // more; any other end outside the strategy stops the leg.
                    var tooSmall = current.Last!.Denial?.Code is DenialCode.QuantityBelowMin or DenialCode.NotionalBelowMin;
                    if (!tooSmall || (current.Spec.Quantity == want && !entry.IsOpen))
                    {
                        state.StoppedLegs[role] = EndedReason(current);
                        Changed = true;
                        continue;
                    }
                    if (current.Spec.Quantity == want) continue;
                }
                // Spot: the other leg must have released the balance first.
                if (want <= 0m || (spotSwap && legs.Any(c => c.Role != role && c.IsOpen))) continue;
                var triggered = Price is { } price && Crossed(role, leg, price);
                Actions.Add(new SubmitChild(role, ContingentOrderValidation.LegSpec(state.Order, leg, want, triggered)));
            }

            if (Actions.Count > 0 || entry.IsOpen || state.Children.Any(c => c.IsOpen)) return;
            if (open == 0m)
            {
                Finish(StrategyStatus.Completed, state.StoppedLegs.Count > 0 ? string.Join("; ", state.StoppedLegs.Values) : null);
            }
            else if (LegsConfigured().All(state.StoppedLegs.ContainsKey))
            {
                Finish(StrategyStatus.Failed, $"{Fmt(open)} of the entry's fills are left unprotected: {string.Join("; ", state.StoppedLegs.Values)}");
            }
        }

        /// <summary>Spot with both legs: only one rests (each would lock the whole base balance); the price picks which.</summary>
        private void ChooseRestingLeg()
        {
            var before = state.RestingLeg;
            state.RestingLeg ??= ChildRole.StopLoss;
            if (state.StoppedLegs.ContainsKey(state.RestingLeg.Value))
            {
                state.RestingLeg = state.RestingLeg == ChildRole.StopLoss ? ChildRole.TakeProfit : ChildRole.StopLoss;
            }
            else if (Price is { } price)
            {
                if (state.RestingLeg == ChildRole.StopLoss && Crossed(ChildRole.TakeProfit, state.TakeProfit!, price)
                    && !state.StoppedLegs.ContainsKey(ChildRole.TakeProfit))
                {
                    state.RestingLeg = ChildRole.TakeProfit;
                }
                else if (state.RestingLeg == ChildRole.TakeProfit && Crossed(ChildRole.StopLoss, state.StopLoss!, price)
                    && !state.StoppedLegs.ContainsKey(ChildRole.StopLoss))
                {
                    state.RestingLeg = ChildRole.StopLoss;
                }
            }
            if (state.RestingLeg != before) Changed = true;
        }

        /// <summary>Whether the market is at or beyond a leg's trigger (the leg would fire at once).</summary>
        private bool Crossed(ChildRole role, ProtectiveLeg leg, decimal price)
        {
            if (leg.TriggerPrice is not { } trigger) return false;
            var exitSell = state.Order.Side == OrderSide.Buy;
            return role == ChildRole.StopLoss
                ? (exitSell ? price <= trigger : price >= trigger)
                : (exitSell ? price >= trigger : price <= trigger);
        }

        /// <summary>Brings an open leg to <paramref name="want"/> open quantity: amend where possible, else cancel (and replace later).</summary>
        private void Adjust(ChildOrderState child, decimal want, ChildCancelReason zeroReason)
        {
            if (child.Status == OrderStatus.PendingCancel) return;
            if (want <= 0m)
            {
                Cancel(child, zeroReason);
                return;
            }
            if (child.Status is OrderStatus.PendingNew or OrderStatus.PendingReplace) return;
            if (child.Leaves == want) return;
            var newQuantity = child.Filled + want;
            if (CanAmend(child, newQuantity)) Actions.Add(new AmendChild(child, newQuantity));
            else Cancel(child, ChildCancelReason.Resize);
        }

        private void Cancel(ChildOrderState child, ChildCancelReason reason)
        {
            if (!child.IsOpen || child.Status == OrderStatus.PendingCancel) return;
            if (child.CancelAttempts >= context.Options.MaxCancelAttempts) return;
            Actions.Add(new CancelChild(child, reason));
        }

        /// <summary>Ends the strategy the way its deciding child ended.</summary>
        private void FinishWith(ChildOrderState child)
        {
            var status = child.Status!.Value;
            if (status == OrderStatus.Filled)
            {
                Finish(StrategyStatus.Completed, null);
            }
            else if (status is OrderStatus.Rejected or OrderStatus.Denied)
            {
                Finish(StrategyStatus.Failed, EndedReason(child));
            }
            else
            {
                Finish(StrategyStatus.Cancelled, child.CancelReason == ChildCancelReason.StrategyCancelled ? CancelledReason() : EndedReason(child));
            }
        }

        private void Finish(StrategyStatus status, string? reason)
        {
            state.Status = status;
            state.Reason = reason;
            state.UpdatedAt = context.Now;
            Changed = true;
        }

        private IEnumerable<ChildRole> LegsConfigured()
        {
            if (state.StopLoss is not null) yield return ChildRole.StopLoss;
            if (state.TakeProfit is not null) yield return ChildRole.TakeProfit;
        }

        private string CancelledReason() => state.CancelledBy is null ? "cancelled on request" : $"cancelled by {state.CancelledBy}";
    }

    /// <summary>How a child ended without the strategy asking: denied or rejected (with why), or cancelled or expired outside it.</summary>
    private static string EndedReason(ChildOrderState child) => child.Status is OrderStatus.Rejected or OrderStatus.Denied
        ? $"{RoleName(child.Role)} {child.Id} was {StatusName(child.Status)}{Detail(child)}"
        : $"{RoleName(child.Role)} {child.Id} was {StatusName(child.Status)} outside the strategy{Detail(child)}";

    private static string Detail(ChildOrderState child) =>
        child.Last?.Denial is { } denial ? $": {denial}" : child.Last?.LastVenueError is { } error ? $": {error}" : string.Empty;

    private static string RoleName(ChildRole role) => role switch
    {
        ChildRole.Entry => "entry",
        ChildRole.StopLoss => "stop-loss",
        ChildRole.TakeProfit => "take-profit",
        ChildRole.Slice => "slice",
        ChildRole.Stop => "stop",
        _ => role.ToString(),
    };

    private static string StatusName(OrderStatus? status) => status?.ToString().ToLowerInvariant() ?? "unknown";

    private static string Fmt(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
