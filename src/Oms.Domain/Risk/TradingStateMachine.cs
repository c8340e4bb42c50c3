namespace Oms.Domain;

/// <summary>How a trading-state change was asked for.</summary>
public enum TradingStateChangeKind
{
    /// <summary>An operator (or an API client with that right) chose the state: any move is allowed.</summary>
    Manual = 1,
    /// <summary>The OMS itself (drawdown, loss limit): only moves that tighten are allowed.</summary>
    Automatic = 2,
}

/// <summary>The outcome of asking for a trading-state change.</summary>
public readonly record struct TradingStateChange(bool Allowed, bool Changed, TradingState From, TradingState To, string? Error)
{
    public static TradingStateChange Refuse(TradingState from, TradingState to, string error) => new(false, false, from, from, error);
}

/// <summary>
/// The account (and firm) trading-state machine. <see cref="TradingState.Active"/> → <see cref="TradingState.Reducing"/>
/// → <see cref="TradingState.Halted"/> is the order of strictness. Manual moves go between any two states (resume
/// included); automatic moves only tighten, so a protective action can never re-open trading by itself.
/// </summary>
public static class TradingStateMachine
{
    /// <summary>How strict a state is: higher is stricter.</summary>
    public static int Strictness(TradingState state) => state switch
    {
        TradingState.Active => 0,
        TradingState.Reducing => 1,
        TradingState.Halted => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, $"trading state {(int)state} is not known"),
    };

    /// <summary>Whether <paramref name="to"/> is at least as strict as <paramref name="from"/>.</summary>
    public static bool IsTightening(TradingState from, TradingState to) => Strictness(to) >= Strictness(from);

    /// <summary>Decides a move. Unknown states are refused; a move to the current state is allowed and changes nothing.</summary>
    public static TradingStateChange Move(TradingState from, TradingState to, TradingStateChangeKind kind)
    {
        if (!Enum.IsDefined(from)) return TradingStateChange.Refuse(from, to, $"current trading state {(int)from} is not known");
        if (!Enum.IsDefined(to)) return TradingStateChange.Refuse(from, to, $"trading state {(int)to} is not known");
        if (!Enum.IsDefined(kind)) return TradingStateChange.Refuse(from, to, $"change kind {(int)kind} is not known");
        if (from == to) return new TradingStateChange(true, false, from, to, null);
        if (kind == TradingStateChangeKind.Automatic && !IsTightening(from, to))
        {
            return TradingStateChange.Refuse(from, to,
                $"an automatic change may only tighten the trading state; {from} to {to} loosens it and needs an operator");
        }
        return new TradingStateChange(true, true, from, to, null);
    }
}
