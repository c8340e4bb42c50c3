using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Oms.Domain.Tests.Primitives;

/// <summary>Typed identifiers: what each accepts, what it refuses, and the instrument text round trip.</summary>
public sealed class IdentifierTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("acc-1")]
    [InlineData("desk_A.binance-main")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")] // 64
    public void Valid_account_ids(string value)
    {
        Assert.Equal(value, new AccountId(value).Value);
        Assert.Equal(value, new AccountId(value).ToString());
        Assert.True(AccountId.TryParse(value, out var parsed));
        Assert.Equal(new AccountId(value), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("acc 1")]
    [InlineData("acc/1")]
    [InlineData("acc:1")]
    [InlineData("äcc")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")] // 65
    [InlineData(null)]
    public void Invalid_account_ids(string? value)
    {
        var error = Assert.Throws<DomainException>(() => new AccountId(value!));
        Assert.Equal(DomainErrorCode.InvalidIdentifier, error.Code);
        Assert.False(AccountId.TryParse(value, out var parsed));
        Assert.Equal(default, parsed);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("oms-0001")]
    [InlineData("web_123.abc:def/ghi-jkl")]
    [InlineData("abcdefghijabcdefghijabcdefghij123456")] // 36
    public void Valid_client_order_ids(string value)
    {
        Assert.True(ClientOrderId.IsValid(value));
        Assert.Equal(value, new ClientOrderId(value).Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcdefghijabcdefghijabcdefghij1234567")] // 37
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("plus+sign")]
    [InlineData("ünicode")]
    [InlineData("tab\t")]
    [InlineData(null)]
    public void Invalid_client_order_ids(string? value)
    {
        Assert.False(ClientOrderId.IsValid(value));
        var error = Assert.Throws<DomainException>(() => new ClientOrderId(value!));
        Assert.Equal(DomainErrorCode.InvalidIdentifier, error.Code);
    }

    [Theory]
    [InlineData("oms0001", true, true, true)]
    [InlineData("abcdefghijabcdefghijabcdefghij12", true, true, true)]        // 32: legal everywhere
    [InlineData("abcdefghijabcdefghijabcdefghij123", true, true, false)]      // 33: too long for OKX
    [InlineData("oms-0001_a", true, true, false)]                             // '-' and '_': not OKX
    [InlineData("oms.0001", true, false, false)]                              // '.', ':' and '/': Binance only
    [InlineData("oms:0001/a", true, false, false)]
    [InlineData("abcdefghijabcdefghijabcdefghij123456", true, true, false)]   // 36
    public void Client_order_id_legality_per_venue(string value, bool binance, bool bybit, bool okx)
    {
        var id = new ClientOrderId(value);
        Assert.Equal(binance, id.IsLegalOn(Venue.Binance));
        Assert.Equal(bybit, id.IsLegalOn(Venue.Bybit));
        Assert.Equal(okx, id.IsLegalOn(Venue.Okx));
        Assert.False(id.IsLegalOn((Venue)99));
        Assert.False(default(ClientOrderId).IsLegalOn(Venue.Binance));
    }

    [Theory]
    [InlineData("BINANCE:SPOT:BTCUSDT", Venue.Binance, MarketType.Spot, "BTCUSDT")]
    [InlineData("BINANCE:USDM:BTCUSDT", Venue.Binance, MarketType.UsdMFutures, "BTCUSDT")]
    [InlineData("BYBIT:USDM:ETHUSDT", Venue.Bybit, MarketType.UsdMFutures, "ETHUSDT")]
    [InlineData("OKX:SPOT:BTC-USDT", Venue.Okx, MarketType.Spot, "BTC-USDT")]
    public void Instrument_ids_format_and_parse(string text, Venue venue, MarketType market, string symbol)
    {
        var id = InstrumentId.Parse(text);

        Assert.Equal(venue, id.Venue);
        Assert.Equal(market, id.Market);
        Assert.Equal(symbol, id.Symbol);
        Assert.Equal(text, id.ToString());
        Assert.Equal(new InstrumentId(venue, market, symbol), id);
    }

    [Theory]
    [InlineData("binance:spot:btcusdt", "BINANCE:SPOT:BTCUSDT")]
    [InlineData("Binance:UsdMFutures:BtcUsdt", "BINANCE:USDM:BTCUSDT")]
    [InlineData("okx:usdm:BTC-USDT-SWAP", "OKX:USDM:BTC-USDT-SWAP")]
    public void Instrument_ids_parse_case_insensitively_into_the_canonical_form(string text, string canonical)
    {
        Assert.Equal(canonical, InstrumentId.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("BINANCE:SPOT")]
    [InlineData("BINANCE:SPOT:BTCUSDT:X")]
    [InlineData("KRAKEN:SPOT:BTCUSDT")]
    [InlineData("BINANCE:COINM:BTCUSD")]
    [InlineData("BINANCE:SPOT:")]
    [InlineData("BINANCE:SPOT:   ")]
    [InlineData("BINANCE:SPOT:BTC USDT")]                               // used to throw from TryParse
    [InlineData("BINANCE:SPOT:ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC")]      // 33
    [InlineData("1:SPOT:BTCUSDT")]                                      // venue numbers are not names
    [InlineData("BINANCE,BYBIT:SPOT:BTCUSDT")]                          // used to parse as OKX (1 | 2 = 3)
    [InlineData(" BINANCE:SPOT:BTCUSDT")]
    [InlineData(null)]
    public void Malformed_instrument_texts_are_refused_without_throwing_from_TryParse(string? text)
    {
        Assert.False(InstrumentId.TryParse(text, out var id));
        Assert.Equal(default, id);
        var error = Assert.Throws<DomainException>(() => InstrumentId.Parse(text!));
        Assert.Equal(DomainErrorCode.InvalidIdentifier, error.Code);
        Assert.Contains("BINANCE:SPOT:BTCUSDT", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("BTC USDT")]
    [InlineData("BTC:USDT")]                                  // would not read back from the text form
    [InlineData("ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC")]
    public void Invalid_symbols_are_refused(string symbol)
    {
        var error = Assert.Throws<DomainException>(() => new InstrumentId(Venue.Binance, MarketType.Spot, symbol));
        Assert.Equal(DomainErrorCode.InvalidIdentifier, error.Code);
    }

    [Fact]
    public void Unknown_venue_or_market_is_refused()
    {
        Assert.Throws<DomainException>(() => new InstrumentId((Venue)0, MarketType.Spot, "BTCUSDT"));
        Assert.Throws<DomainException>(() => new InstrumentId(Venue.Binance, (MarketType)9, "BTCUSDT"));
    }

    /// <summary>Every valid instrument reads back from its text, whatever the symbol characters and case.</summary>
    [Property(MaxTest = 500)]
    public Property Every_instrument_round_trips_through_its_text() =>
        Prop.ForAll(
            (from venue in Gen.Elements(Enum.GetValues<Venue>())
             from market in Gen.Elements(Enum.GetValues<MarketType>())
             from chars in Gen.NonEmptyListOf(Gen.Elements("ABCXYZabcxyz0189-_./".ToCharArray()))
             select (venue, market, Symbol: new string(chars.Take(32).ToArray()))).ToArbitrary(),
            input =>
            {
                var id = new InstrumentId(input.venue, input.market, input.Symbol);
                var text = id.ToString();
                Assert.Equal(id, InstrumentId.Parse(text));
                Assert.True(InstrumentId.TryParse(text.ToLowerInvariant(), out var lower));
                Assert.Equal(id, lower);
                Assert.Equal(input.Symbol.ToUpperInvariant(), id.Symbol);
            });

    [Fact]
    public void Fill_key_names_instrument_and_trade()
    {
        var key = new FillKey(TestIds.BtcUsdtPerp, new TradeId("987654"));
        Assert.Equal("BINANCE:USDM:BTCUSDT#987654", key.ToString());
        Assert.Equal(key, new FillKey(InstrumentId.Parse("binance:usdm:btcusdt"), new TradeId("987654")));
        Assert.NotEqual(key, new FillKey(TestIds.BtcUsdtSpot, new TradeId("987654")));
    }

    [Fact]
    public void Venue_ids_print_their_value()
    {
        Assert.Equal("123", new VenueOrderId("123").ToString());
        Assert.Equal("t-1", new TradeId("t-1").ToString());
    }
}
