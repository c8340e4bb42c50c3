using System.Text.Json;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Http;

// Per-symbol account settings and maintenance brackets (symbolConfig, leverageBracket).
public sealed partial class BinanceUsdMRestClient
{
    /// <summary>Reads the margin type and leverage of one symbol, or of every symbol the venue lists (<c>GET /fapi/v1/symbolConfig</c>, weight 5).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<UsdMSymbolConfig>>> GetSymbolConfigsAsync(InstrumentId? instrument = null, CancellationToken cancellationToken = default)
    {
        var operation = instrument is { } i ? $"read the settings of {i} on Binance USD-M" : "read the symbol settings on Binance USD-M";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return Failed<IReadOnlyList<UsdMSymbolConfig>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/symbolConfig", new BinanceParameters(3).AddIfPresent("symbol", symbol), RestSecurity.Signed,
            new EndpointCost(5), RatePriority.Normal, "symbolConfig", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => UsdMSettingsParsers.ParseSymbolConfigs(body.Span, _context.Symbols), null, cancellationToken);
    }

    /// <summary>Reads the notional brackets (maintenance margin rate, cumulative amount, leverage cap) of one symbol or all (<c>GET /fapi/v1/leverageBracket</c>, weight 1).</summary>
    public ValueTask<BinanceResult<IReadOnlyList<UsdMLeverageBrackets>>> GetLeverageBracketsAsync(InstrumentId? instrument = null,
        CancellationToken cancellationToken = default)
    {
        var operation = instrument is { } i ? $"read the leverage brackets of {i} on Binance USD-M" : "read the leverage brackets on Binance USD-M";
        string? symbol = null;
        if (instrument is { } id && !TrySymbol(id, operation, out symbol, out var invalid)) return Failed<IReadOnlyList<UsdMLeverageBrackets>>(invalid);
        var call = new RestCall(HttpMethod.Get, "/fapi/v1/leverageBracket", new BinanceParameters(3).AddIfPresent("symbol", symbol), RestSecurity.Signed,
            new EndpointCost(1), RatePriority.Normal, "leverageBracket", operation, ReadOnly: true);
        return _transport.SendAsync(call, body => UsdMSettingsParsers.ParseLeverageBrackets(body.Span, _context.Symbols), null, cancellationToken);
    }
}

/// <summary>One row of <c>GET /fapi/v1/symbolConfig</c>.</summary>
public sealed record UsdMSymbolConfig(InstrumentId Instrument, VenueMarginType MarginType, int Leverage, decimal? MaxNotionalValue);

/// <summary>The notional brackets of one symbol (<c>GET /fapi/v1/leverageBracket</c>).</summary>
public sealed record UsdMLeverageBrackets(InstrumentId Instrument, IReadOnlyList<MaintenanceBracket> Brackets);

/// <summary>Parsers of the USD-M settings answers.</summary>
public static class UsdMSettingsParsers
{
    /// <summary>Parses <c>GET /fapi/v1/symbolConfig</c> (an array; symbols this OMS does not map are skipped).</summary>
    public static IReadOnlyList<UsdMSymbolConfig> ParseSymbolConfigs(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var rows = new List<UsdMSymbolConfig>();
        foreach (var row in Rows(document.RootElement))
        {
            var instrument = symbols.ToInstrument(row.GetRequiredString("symbol"));
            var marginText = row.GetRequiredString("marginType");
            var marginType = ParseMarginType(marginText)
                ?? throw new BinanceProtocolException($"symbolConfig of {instrument} has an unknown margin type '{marginText}'");
            var leverage = row.TryGetProperty("leverage", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n)
                ? n
                : l.ValueKind == JsonValueKind.String && int.TryParse(l.GetString(), out var parsed) ? parsed
                : throw new BinanceProtocolException($"symbolConfig of {instrument} has no leverage");
            rows.Add(new UsdMSymbolConfig(instrument, marginType, leverage, UsdMOrderParser.Optional(row, "maxNotionalValue")));
        }
        return rows;
    }

    /// <summary>Parses <c>GET /fapi/v1/leverageBracket</c> (an array of symbols, or one object when a symbol was asked for).</summary>
    public static IReadOnlyList<UsdMLeverageBrackets> ParseLeverageBrackets(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var rows = new List<UsdMLeverageBrackets>();
        foreach (var row in Rows(document.RootElement))
        {
            var instrument = symbols.ToInstrument(row.GetRequiredString("symbol"));
            if (!row.TryGetProperty("brackets", out var brackets) || brackets.ValueKind != JsonValueKind.Array)
                throw new BinanceProtocolException($"leverageBracket of {instrument} has no brackets");
            var list = new List<MaintenanceBracket>();
            foreach (var b in brackets.EnumerateArray())
            {
                list.Add(new MaintenanceBracket
                {
                    NotionalFloor = b.GetDecimal("notionalFloor"),
                    NotionalCap = b.GetDecimal("notionalCap"),
                    MaintenanceMarginRate = b.GetDecimal("maintMarginRatio"),
                    Cumulative = b.GetDecimalOrNull("cum") ?? 0m,
                    InitialLeverage = b.TryGetProperty("initialLeverage", out var il) && il.ValueKind == JsonValueKind.Number && il.TryGetInt32(out var lev) ? lev : 0,
                });
            }
            rows.Add(new UsdMLeverageBrackets(instrument, [.. list.OrderBy(b => b.NotionalFloor)]));
        }
        return rows;
    }

    /// <summary><c>ISOLATED</c>/<c>isolated</c> or <c>CROSSED</c>/<c>cross</c>/<c>crossed</c>.</summary>
    public static VenueMarginType? ParseMarginType(string? text) => text?.ToUpperInvariant() switch
    {
        "ISOLATED" => VenueMarginType.Isolated,
        "CROSSED" or "CROSS" => VenueMarginType.Cross,
        _ => null,
    };

    private static IEnumerable<JsonElement> Rows(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Array => root.EnumerateArray().ToArray(),
        JsonValueKind.Object => [root],
        _ => throw new BinanceProtocolException($"expected an array or an object, got {root.ValueKind}"),
    };
}
