namespace Oms.Domain;

/// <summary>How a fill changed a position.</summary>
public enum PositionChangeKind
{
    Opened = 1,
    Increased = 2,
    Reduced = 3,
    Closed = 4,
    /// <summary>Went through zero: the old position closed and one of the other sign opened at the fill price.</summary>
    Flipped = 5,
}

/// <summary>The effect of one fill on one position.</summary>
[GenerateSerializer, Immutable, Alias("oms.PositionChange")]
public sealed record PositionChange(
    [property: Id(0)] PositionChangeKind Kind,
    [property: Id(1)] decimal QuantityBefore,
    [property: Id(2)] decimal QuantityAfter,
    [property: Id(3)] decimal AverageEntryPrice,
    [property: Id(4)] decimal RealizedPnlDelta,
    [property: Id(5)] decimal FeeDelta);

/// <summary>
/// One position leg with cost-basis accounting: signed quantity (long &gt; 0, short &lt; 0), average entry price,
/// gross realized PnL and fees (both in the quote/settlement asset).
/// <para>
/// Fee rules: a fee charged in the base asset changes the quantity received or delivered (the inventory is what the
/// venue holds) and its quote value at the fill price is expensed; a fee charged in the quote or another asset is
/// expensed at the quote value the caller gives. With these rules realized + unrealized PnL equals the change in
/// (cash + inventory × mark) exactly.
/// </para>
/// </summary>
[GenerateSerializer, Alias("oms.Position")]
public sealed class Position
{
    [Id(0)] public decimal Quantity { get; private set; }
    [Id(1)] public decimal AverageEntryPrice { get; private set; }
    /// <summary>Realized PnL before fees.</summary>
    [Id(2)] public decimal RealizedPnlGross { get; private set; }
    [Id(3)] public decimal Fees { get; private set; }
    [Id(4)] public decimal ContractSize { get; private set; } = 1m;
    /// <summary>Quantity bought (or received) in total, for audit and conservation checks.</summary>
    [Id(5)] public decimal TotalBought { get; private set; }
    [Id(6)] public decimal TotalSold { get; private set; }

    public Position() { }

    public Position(decimal contractSize)
    {
        if (contractSize <= 0m) throw new DomainException(DomainErrorCode.InvalidPosition, $"contract size {contractSize} must be positive");
        ContractSize = contractSize;
    }

    /// <summary>Realized PnL after fees.</summary>
    public decimal RealizedPnl => RealizedPnlGross - Fees;

    public bool IsFlat => Quantity == 0m;

    public decimal UnrealizedPnl(decimal markPrice) => Quantity == 0m ? 0m : Quantity * (markPrice - AverageEntryPrice) * ContractSize;

    /// <summary>The absolute value of the position at a mark price (for exposure).</summary>
    public decimal Notional(decimal markPrice) => Math.Abs(Quantity) * markPrice * ContractSize;

    /// <summary>Applies a fill.</summary>
    /// <param name="side">Buy increases the signed quantity, sell decreases it.</param>
    /// <param name="quantity">Executed quantity (positive).</param>
    /// <param name="price">Execution price (positive).</param>
    /// <param name="feeQuoteValue">The whole fee valued in the quote asset (expensed; positive = paid, negative = rebate).</param>
    /// <param name="baseAssetFee">The part of the fee charged in the base asset itself (changes the inventory), else 0.</param>
    public PositionChange ApplyFill(OrderSide side, decimal quantity, decimal price, decimal feeQuoteValue = 0m, decimal baseAssetFee = 0m)
    {
        if (quantity <= 0m) throw new DomainException(DomainErrorCode.InvalidFill, $"fill quantity {quantity} must be positive");
        if (price <= 0m) throw new DomainException(DomainErrorCode.InvalidFill, $"fill price {price} must be positive");
        if (baseAssetFee < 0m || baseAssetFee >= quantity && side == OrderSide.Buy)
            throw new DomainException(DomainErrorCode.InvalidFill, $"base-asset fee {baseAssetFee} is outside [0, {quantity})");

        var delta = side == OrderSide.Buy ? quantity - baseAssetFee : -(quantity + baseAssetFee);
        if (side == OrderSide.Buy) TotalBought += quantity - baseAssetFee; else TotalSold += quantity + baseAssetFee;

        var before = Quantity;
        decimal realized = 0m;
        PositionChangeKind kind;
        if (before == 0m || Math.Sign(before) == Math.Sign(delta))
        {
            var newAbs = Math.Abs(before) + Math.Abs(delta);
            AverageEntryPrice = (Math.Abs(before) * AverageEntryPrice + Math.Abs(delta) * price) / newAbs;
            Quantity = before + delta;
            kind = before == 0m ? PositionChangeKind.Opened : PositionChangeKind.Increased;
        }
        else
        {
            var closing = Math.Min(Math.Abs(before), Math.Abs(delta));
            realized = closing * (price - AverageEntryPrice) * Math.Sign(before) * ContractSize;
            Quantity = before + delta;
            if (Quantity == 0m)
            {
                AverageEntryPrice = 0m;
                kind = PositionChangeKind.Closed;
            }
            else if (Math.Sign(Quantity) != Math.Sign(before))
            {
                AverageEntryPrice = price;
                kind = PositionChangeKind.Flipped;
            }
            else
            {
                kind = PositionChangeKind.Reduced;
            }
        }

        RealizedPnlGross += realized;
        Fees += feeQuoteValue;
        return new PositionChange(kind, before, Quantity, AverageEntryPrice, realized, feeQuoteValue);
    }

    /// <summary>Adds a cash flow that is PnL but not a trade (funding fee, rebate); positive = received.</summary>
    public void ApplyCashFlow(decimal amount) => RealizedPnlGross += amount;

    /// <summary>Replaces the position with venue truth during reconciliation (quantity and entry as the venue reports).</summary>
    public void Reset(decimal quantity, decimal averageEntryPrice)
    {
        if (quantity != 0m && averageEntryPrice <= 0m)
            throw new DomainException(DomainErrorCode.InvalidPosition, $"a non-flat position needs a positive entry price, got {averageEntryPrice}");
        Quantity = quantity;
        AverageEntryPrice = quantity == 0m ? 0m : averageEntryPrice;
    }
}
