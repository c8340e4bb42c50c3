using System.Globalization;

namespace Oms.Domain;

/// <summary>A price. Always <see cref="decimal"/>, never negative (zero means "none" for market orders).</summary>
[GenerateSerializer, Immutable, Alias("oms.Price")]
public readonly record struct Price : IComparable<Price>
{
    public Price(decimal value)
    {
        if (value < 0m) throw new DomainException(DomainErrorCode.InvalidPrice, $"price {value} is negative");
        Value = value;
    }

    [Id(0)] public decimal Value { get; }

    public static Price Zero => default;

    public bool IsZero => Value == 0m;

    public int CompareTo(Price other) => Value.CompareTo(other.Value);

    public static bool operator <(Price a, Price b) => a.Value < b.Value;
    public static bool operator >(Price a, Price b) => a.Value > b.Value;
    public static bool operator <=(Price a, Price b) => a.Value <= b.Value;
    public static bool operator >=(Price a, Price b) => a.Value >= b.Value;

    public static Price Parse(string text) => new(decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture));

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A quantity of the base asset (or contracts). Always <see cref="decimal"/>, never negative.</summary>
[GenerateSerializer, Immutable, Alias("oms.Quantity")]
public readonly record struct Quantity : IComparable<Quantity>
{
    public Quantity(decimal value)
    {
        if (value < 0m) throw new DomainException(DomainErrorCode.InvalidQuantity, $"quantity {value} is negative");
        Value = value;
    }

    [Id(0)] public decimal Value { get; }

    public static Quantity Zero => default;

    public bool IsZero => Value == 0m;

    public int CompareTo(Quantity other) => Value.CompareTo(other.Value);

    public static Quantity operator +(Quantity a, Quantity b) => new(a.Value + b.Value);
    public static Quantity operator -(Quantity a, Quantity b) => new(a.Value - b.Value);
    public static bool operator <(Quantity a, Quantity b) => a.Value < b.Value;
    public static bool operator >(Quantity a, Quantity b) => a.Value > b.Value;
    public static bool operator <=(Quantity a, Quantity b) => a.Value <= b.Value;
    public static bool operator >=(Quantity a, Quantity b) => a.Value >= b.Value;

    public static Quantity Min(Quantity a, Quantity b) => a <= b ? a : b;

    public static Quantity Parse(string text) => new(decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture));

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An amount of one asset (balances, fees, PnL). May be negative (PnL, deltas).</summary>
[GenerateSerializer, Immutable, Alias("oms.Money")]
public readonly record struct Money([property: Id(0)] decimal Amount, [property: Id(1)] string Asset)
{
    public override string ToString() => $"{Amount.ToString(CultureInfo.InvariantCulture)} {Asset}";
}
