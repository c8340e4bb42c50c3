using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Oms.Domain;

/// <summary>An OMS account: one venue account owned by one trading team.</summary>
[GenerateSerializer, Immutable, Alias("oms.AccountId")]
public readonly partial record struct AccountId
{
    public AccountId(string value)
    {
        if (!Pattern().IsMatch(value ?? string.Empty))
        {
            throw new DomainException(DomainErrorCode.InvalidIdentifier,
                $"account id '{value}' is invalid: use 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        Value = value!;
    }

    [Id(0)] public string Value { get; }

    public static bool TryParse(string? value, out AccountId id)
    {
        if (value is not null && Pattern().IsMatch(value)) { id = new AccountId(value); return true; }
        id = default;
        return false;
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Pattern();
}

/// <summary>
/// The OMS-assigned client order id sent to the venue: 1-36 characters of <c>[A-Za-z0-9._:/-]</c>, which is what
/// Binance accepts. Bybit (<c>[A-Za-z0-9_-]</c>, at most 36) and OKX (letters and digits, at most 32) accept less:
/// check <see cref="IsLegalOn(Venue)"/> before sending an id to a venue. Ids of 1-32 letters and digits are legal everywhere.
/// </summary>
[GenerateSerializer, Immutable, Alias("oms.ClientOrderId")]
public readonly partial record struct ClientOrderId
{
    public const int MaxLength = 36;

    public ClientOrderId(string value)
    {
        if (!IsValid(value))
        {
            throw new DomainException(DomainErrorCode.InvalidIdentifier,
                $"client order id '{value}' is invalid: use 1-{MaxLength} characters of letters, digits, '.', '_', ':', '/' or '-'");
        }
        Value = value;
    }

    [Id(0)] public string Value { get; }

    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Whether the venue accepts this id as its client order id (<c>newClientOrderId</c>, <c>orderLinkId</c>, <c>clOrdId</c>).</summary>
    public bool IsLegalOn(Venue venue) => Value is not null && venue switch
    {
        Venue.Binance => Pattern().IsMatch(Value),
        Venue.Bybit => BybitPattern().IsMatch(Value),
        Venue.Okx => OkxPattern().IsMatch(Value),
        _ => false,
    };

    public override string ToString() => Value;

    [GeneratedRegex("^[A-Za-z0-9._:/-]{1,36}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,36}$")]
    private static partial Regex BybitPattern();

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    private static partial Regex OkxPattern();
}

/// <summary>The id a venue gave an order.</summary>
[GenerateSerializer, Immutable, Alias("oms.VenueOrderId")]
public readonly record struct VenueOrderId([property: Id(0)] string Value)
{
    public override string ToString() => Value;
}

/// <summary>The id a venue gave a trade (execution). Unique per venue and instrument.</summary>
[GenerateSerializer, Immutable, Alias("oms.TradeId")]
public readonly record struct TradeId([property: Id(0)] string Value)
{
    public override string ToString() => Value;
}

/// <summary>A tradable instrument: a venue symbol within a market type.</summary>
[GenerateSerializer, Immutable, Alias("oms.InstrumentId")]
public readonly record struct InstrumentId
{
    public InstrumentId(Venue venue, MarketType market, string symbol)
    {
        if (!IsValidSymbol(symbol))
        {
            throw new DomainException(DomainErrorCode.InvalidIdentifier,
                $"symbol '{symbol}' is invalid: use 1-32 characters without white space or ':'");
        }
        if (!Enum.IsDefined(venue) || !Enum.IsDefined(market))
        {
            throw new DomainException(DomainErrorCode.InvalidIdentifier, $"instrument venue {(int)venue} or market {(int)market} is not known");
        }
        Venue = venue;
        Market = market;
        Symbol = symbol.ToUpperInvariant();
    }

    [Id(0)] public Venue Venue { get; }
    [Id(1)] public MarketType Market { get; }
    [Id(2)] public string Symbol { get; }

    /// <summary>Formats as <c>BINANCE:SPOT:BTCUSDT</c>; <see cref="Parse"/> reads it back.</summary>
    public override string ToString() => $"{Venue.ToString().ToUpperInvariant()}:{MarketName(Market)}:{Symbol}";

    public static InstrumentId Parse(string text)
    {
        if (TryParse(text, out var id)) return id;
        throw new DomainException(DomainErrorCode.InvalidIdentifier,
            $"instrument '{text}' is invalid: expected VENUE:MARKET:SYMBOL such as BINANCE:SPOT:BTCUSDT or BINANCE:USDM:BTCUSDT");
    }

    public static bool TryParse(string? text, out InstrumentId id)
    {
        id = default;
        var parts = text?.Split(':');
        if (parts is not { Length: 3 }) return false;
        // Names only: Enum.TryParse would also take numbers ("1") and comma-joined flags ("BINANCE,BYBIT" is OKX).
        if (!parts[0].All(char.IsAsciiLetter)
            || !Enum.TryParse<Venue>(parts[0], ignoreCase: true, out var venue) || !Enum.IsDefined(venue)) return false;
        MarketType? market = parts[1].ToUpperInvariant() switch
        {
            "SPOT" => MarketType.Spot,
            "USDM" or "USDMFUTURES" => MarketType.UsdMFutures,
            _ => null,
        };
        if (market is null || !IsValidSymbol(parts[2])) return false;
        id = new InstrumentId(venue, market.Value, parts[2]);
        return true;
    }

    /// <summary>
    /// A symbol is 1-32 characters without white space or ':' (the separator of the text form, so that
    /// <see cref="Parse"/> reads back every <see cref="ToString"/>).
    /// </summary>
    private static bool IsValidSymbol([NotNullWhen(true)] string? symbol) =>
        !string.IsNullOrEmpty(symbol) && symbol.Length <= 32 && !symbol.Any(c => char.IsWhiteSpace(c) || c == ':');

    private static string MarketName(MarketType market) => market switch
    {
        MarketType.Spot => "SPOT",
        MarketType.UsdMFutures => "USDM",
        _ => market.ToString().ToUpperInvariant(),
    };
}

/// <summary>Identifies one fill across the whole system: (venue, instrument, venue trade id).</summary>
[GenerateSerializer, Immutable, Alias("oms.FillKey")]
public readonly record struct FillKey([property: Id(0)] InstrumentId Instrument, [property: Id(1)] TradeId TradeId)
{
    public override string ToString() => $"{Instrument}#{TradeId}";
}
