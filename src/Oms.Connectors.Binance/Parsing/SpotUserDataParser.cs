using System.Globalization;
using System.Text.Json;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>The spot user-data event types (REFERENCE §3).</summary>
public enum SpotUserDataEventType
{
    Unknown = 0,
    ExecutionReport = 1,
    OutboundAccountPosition = 2,
    BalanceUpdate = 3,
    ListStatus = 4,
    EventStreamTerminated = 5,
    ExternalLockUpdate = 6,
}

/// <summary>
/// A change of one asset's balance by a delta (<c>balanceUpdate</c>: deposit, withdrawal, transfer;
/// <c>externalLockUpdate</c>: locked by e.g. margin collateral). Not a port event: the absolute balances follow in an
/// <c>outboundAccountPosition</c>, which is.
/// </summary>
public sealed record BalanceDelta(string Asset, decimal Delta, DateTimeOffset ClearTime, bool IsExternalLock);

/// <summary>What one user-data event was, with the parts that are not port events.</summary>
public readonly record struct SpotUserDataMessage(
    SpotUserDataEventType Type,
    DateTimeOffset EventTime,
    OrderListReport? ListStatus = null,
    BalanceDelta? BalanceDelta = null);

/// <summary>
/// Parses spot user-data events (the <c>event</c> object of a WebSocket API <c>{subscriptionId, event}</c> frame, or
/// a bare legacy event) into port events. <c>executionReport</c> is parsed with <see cref="Utf8JsonReader"/> (hot path).
/// </summary>
public sealed class SpotUserDataParser
{
    private readonly BinanceSymbolMapper _symbols;

    public SpotUserDataParser(BinanceSymbolMapper symbols) => _symbols = symbols;

    /// <summary>
    /// Parses one event and appends the port events it implies to <paramref name="output"/>.
    /// Throws <see cref="BinanceProtocolException"/> when the event is malformed.
    /// </summary>
    public SpotUserDataMessage Parse(ReadOnlySpan<byte> eventJson, AccountId account, ICollection<VenueEvent> output)
    {
        var type = PeekType(eventJson);
        return type switch
        {
            SpotUserDataEventType.ExecutionReport => ParseExecutionReport(eventJson, account, output),
            SpotUserDataEventType.OutboundAccountPosition => ParseAccountPosition(eventJson, account, output),
            SpotUserDataEventType.BalanceUpdate or SpotUserDataEventType.ExternalLockUpdate => ParseBalanceDelta(eventJson, type),
            SpotUserDataEventType.ListStatus => ParseListStatus(eventJson),
            SpotUserDataEventType.EventStreamTerminated => new SpotUserDataMessage(type, ReadEventTime(eventJson)),
            _ => new SpotUserDataMessage(SpotUserDataEventType.Unknown, ReadEventTime(eventJson)),
        };
    }

    /// <summary>Finds the event type (<c>"e"</c>) without parsing the rest.</summary>
    public static SpotUserDataEventType PeekType(ReadOnlySpan<byte> eventJson)
    {
        var reader = new Utf8JsonReader(eventJson);
        JsonReading.Next(ref reader);
        JsonReading.ExpectStartObject(ref reader, "a user-data event");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) throw new BinanceProtocolException("a user-data event is malformed");
            var isType = reader.ValueSpan.SequenceEqual("e"u8);
            JsonReading.Next(ref reader);
            if (!isType)
            {
                reader.Skip();
                continue;
            }
            var value = reader.ValueSpan;
            return value switch
            {
                _ when value.SequenceEqual("executionReport"u8) => SpotUserDataEventType.ExecutionReport,
                _ when value.SequenceEqual("outboundAccountPosition"u8) => SpotUserDataEventType.OutboundAccountPosition,
                _ when value.SequenceEqual("balanceUpdate"u8) => SpotUserDataEventType.BalanceUpdate,
                _ when value.SequenceEqual("listStatus"u8) => SpotUserDataEventType.ListStatus,
                _ when value.SequenceEqual("eventStreamTerminated"u8) => SpotUserDataEventType.EventStreamTerminated,
                _ when value.SequenceEqual("externalLockUpdate"u8) => SpotUserDataEventType.ExternalLockUpdate,
                _ => SpotUserDataEventType.Unknown,
            };
        }
        throw new BinanceProtocolException("a user-data event has no 'e' (event type)");
    }

    /// <summary>The event type text (<c>"e"</c>), or null when there is none.</summary>
    public static string? PeekTypeName(ReadOnlySpan<byte> eventJson)
    {
        var reader = new Utf8JsonReader(eventJson);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueSpan.SequenceEqual("e"u8);
            if (!reader.Read()) return null;
            if (isType) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
        }
        return null;
    }

    private static DateTimeOffset ReadEventTime(ReadOnlySpan<byte> eventJson)
    {
        using var document = JsonDocument.Parse(eventJson.ToArray());
        return document.RootElement.TryGetProperty("E", out var e) && e.TryGetInt64(out var ms) ? JsonReading.FromMilliseconds(ms) : DateTimeOffset.UnixEpoch;
    }

    private SpotUserDataMessage ParseExecutionReport(ReadOnlySpan<byte> json, AccountId account, ICollection<VenueEvent> output)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        InstrumentId? instrument = null;
        string? clientOrderId = null, origClientOrderId = null, rejectReason = null, commissionAsset = null, expiryReason = null;
        OrderSide? side = null;
        var execution = SpotExecutionType.Unknown;
        var status = SpotOrderStatus.Unknown;
        long eventTime = 0, transactTime = 0, orderId = -1, tradeId = -1;
        decimal quantity = 0m, price = 0m, lastQty = 0m, cumQty = 0m, lastPrice = 0m, commission = 0m;
        var maker = false;
        Span<char> symbolBuffer = stackalloc char[64];
        Span<byte> scratch = stackalloc byte[64];

        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var name = reader.ValueSpan;
            JsonReading.Next(ref reader);
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'E': eventTime = JsonReading.ReadInt64(ref reader, "E"); break;
                    case (byte)'s':
                        var length = reader.CopyString(symbolBuffer);
                        instrument = _symbols.ToInstrument(symbolBuffer[..length]);
                        break;
                    case (byte)'c': clientOrderId = reader.GetString(); break;
                    case (byte)'C': origClientOrderId = JsonReading.ReadStringOrNull(ref reader); break;
                    case (byte)'S': side = SpotEnums.ParseSide(JsonReading.ValueBytes(in reader, scratch)); break;
                    case (byte)'q': quantity = JsonReading.ReadDecimal(ref reader, "q"); break;
                    case (byte)'p': price = JsonReading.ReadDecimal(ref reader, "p"); break;
                    case (byte)'x': execution = SpotEnums.ParseExecutionType(JsonReading.ValueBytes(in reader, scratch)); break;
                    case (byte)'X': status = SpotEnums.ParseStatus(JsonReading.ValueBytes(in reader, scratch)); break;
                    case (byte)'r': rejectReason = JsonReading.ReadStringOrNull(ref reader); break;
                    case (byte)'i': orderId = JsonReading.ReadInt64(ref reader, "i"); break;
                    case (byte)'l': lastQty = JsonReading.ReadDecimal(ref reader, "l"); break;
                    case (byte)'z': cumQty = JsonReading.ReadDecimal(ref reader, "z"); break;
                    case (byte)'L': lastPrice = JsonReading.ReadDecimal(ref reader, "L"); break;
                    case (byte)'n': commission = JsonReading.ReadDecimalOrNull(ref reader, "n") ?? 0m; break;
                    case (byte)'N': commissionAsset = JsonReading.ReadStringOrNull(ref reader); break;
                    case (byte)'T': transactTime = JsonReading.ReadInt64(ref reader, "T"); break;
                    case (byte)'t': tradeId = JsonReading.ReadInt64(ref reader, "t"); break;
                    case (byte)'m': maker = JsonReading.ReadBool(ref reader, "m"); break;
                    default: reader.Skip(); break;
                }
            }
            else if (name.SequenceEqual("eR"u8))
            {
                expiryReason = JsonReading.ReadStringOrNull(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        if (instrument is not { } id) throw new BinanceProtocolException("executionReport has no symbol 's'");
        if (execution == SpotExecutionType.Unknown) throw new BinanceProtocolException($"executionReport for {id} has an unknown execution type 'x'");
        if (status == SpotOrderStatus.Unknown) throw new BinanceProtocolException($"executionReport for {id} has an unknown order status 'X'");

        // On a cancel, 'c' is the cancel request's id and 'C' the cancelled order's.
        var ownId = origClientOrderId is { Length: > 0 } ? origClientOrderId : clientOrderId;
        if (Orders.SpotClientOrderIds.ToOms(ownId) is not { } clientId)
            throw new BinanceProtocolException($"executionReport for {id} has an invalid client order id '{ownId}'");
        // The cancel leg of a cancel-replace: the OMS order lives on in its replacement (its own report follows).
        if (execution == SpotExecutionType.Canceled && origClientOrderId is { Length: > 0 } && Orders.SpotClientOrderIds.IsCancelLeg(clientOrderId))
        {
            return new SpotUserDataMessage(SpotUserDataEventType.ExecutionReport, JsonReading.FromMilliseconds(eventTime));
        }
        // A replacement's quantities count from its own placement, not from the OMS order's: they are left out, and
        // the connector reports the OMS order's terms itself. Its acceptance is the replace taking effect.
        var replacement = Orders.SpotClientOrderIds.IsReplacement(ownId);
        var venueOrderId = new VenueOrderId(orderId.ToString(CultureInfo.InvariantCulture));
        var time = JsonReading.FromMilliseconds(transactTime != 0 ? transactTime : eventTime);

        VenueOrderUpdate Update(VenueOrderEventKind kind, string? reason = null, decimal? newQuantity = null, decimal? newPrice = null) => new()
        {
            Account = account,
            Timestamp = time,
            Source = VenueEventSource.Stream,
            Instrument = id,
            ClientOrderId = clientId,
            VenueOrderId = venueOrderId,
            Kind = kind,
            Reason = reason,
            Quantity = newQuantity,
            LimitPrice = newPrice,
            CumulativeFilledQuantity = replacement ? null : cumQty,
        };

        // The cancel-replace cancelled the order it replaced, then the venue refused the replacement: the OMS order ends cancelled.
        VenueOrderUpdate ReplacementRefused() => Update(VenueOrderEventKind.Canceled,
            $"the cancel-replace cancelled the working order but the venue rejected its replacement {ownId}" + (rejectReason is null or "NONE" ? "" : $": {rejectReason}"));

        VenueOrderUpdate? StatusUpdate() => status switch
        {
            SpotOrderStatus.New or SpotOrderStatus.PartiallyFilled or SpotOrderStatus.Filled or SpotOrderStatus.PendingNew => Update(VenueOrderEventKind.Accepted),
            SpotOrderStatus.Canceled => Update(VenueOrderEventKind.Canceled),
            SpotOrderStatus.Expired or SpotOrderStatus.ExpiredInMatch => Update(VenueOrderEventKind.Expired, Reason(expiryReason, status)),
            SpotOrderStatus.Rejected => replacement ? ReplacementRefused() : Update(VenueOrderEventKind.Rejected, rejectReason),
            _ => null,
        };

        switch (execution)
        {
            case SpotExecutionType.New:
                output.Add(replacement
                    ? Update(VenueOrderEventKind.Replaced, newPrice: price > 0m ? price : null)
                    : Update(VenueOrderEventKind.Accepted));
                break;
            case SpotExecutionType.Canceled:
                output.Add(Update(VenueOrderEventKind.Canceled));
                break;
            case SpotExecutionType.Rejected:
                output.Add(replacement ? ReplacementRefused() : Update(VenueOrderEventKind.Rejected, rejectReason is null or "NONE" ? null : rejectReason));
                break;
            case SpotExecutionType.Expired:
                output.Add(Update(VenueOrderEventKind.Expired, Reason(expiryReason, status)));
                break;
            case SpotExecutionType.Replaced:
                output.Add(Update(VenueOrderEventKind.Replaced, newQuantity: replacement ? null : quantity, newPrice: price > 0m ? price : null));
                break;
            case SpotExecutionType.Trade:
                if (side is not { } fillSide) throw new BinanceProtocolException($"executionReport TRADE for {ownId} on {id} has no side 'S'");
                if (tradeId < 0) throw new BinanceProtocolException($"executionReport TRADE for {ownId} on {id} has no trade id 't'");
                output.Add(new VenueFill
                {
                    Account = account,
                    Timestamp = time,
                    Source = VenueEventSource.Stream,
                    Fill = new Fill
                    {
                        Instrument = id,
                        TradeId = new TradeId(tradeId.ToString(CultureInfo.InvariantCulture)),
                        ClientOrderId = clientId,
                        VenueOrderId = venueOrderId,
                        Side = fillSide,
                        Quantity = lastQty,
                        Price = lastPrice,
                        Fee = commission,
                        FeeAsset = commissionAsset ?? string.Empty,
                        Liquidity = maker ? LiquiditySide.Maker : LiquiditySide.Taker,
                        Timestamp = time,
                    },
                });
                // The order's status after the trade, with the cumulative quantity for the grain's consistency check.
                if (StatusUpdate() is { } afterTrade) output.Add(afterTrade);
                break;
            case SpotExecutionType.TradePrevention:
                // Self-trade prevention: the order is either still working or expired in match.
                if (StatusUpdate() is { } afterPrevention) output.Add(afterPrevention);
                break;
        }
        return new SpotUserDataMessage(SpotUserDataEventType.ExecutionReport, JsonReading.FromMilliseconds(eventTime));
    }

    private static string? Reason(string? expiryReason, SpotOrderStatus status)
    {
        if (expiryReason is { Length: > 0 } and not "NONE") return expiryReason;
        return status == SpotOrderStatus.ExpiredInMatch ? "EXPIRED_IN_MATCH" : null;
    }

    private static SpotUserDataMessage ParseAccountPosition(ReadOnlySpan<byte> json, AccountId account, ICollection<VenueEvent> output)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var eventTime = JsonReading.FromMilliseconds(root.GetRequiredInt64("E"));
        var updateTime = root.TryGetProperty("u", out var u) && u.TryGetInt64(out var uMs) ? JsonReading.FromMilliseconds(uMs) : eventTime;
        var balances = new List<VenueBalance>();
        if (!root.TryGetProperty("B", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new BinanceProtocolException("outboundAccountPosition has no balance array 'B'");
        foreach (var item in list.EnumerateArray())
        {
            balances.Add(new VenueBalance(item.GetRequiredString("a"), item.GetDecimal("f"), item.GetDecimal("l")));
        }
        output.Add(new VenueBalanceUpdate
        {
            Account = account,
            Timestamp = updateTime,
            Source = VenueEventSource.Stream,
            Balances = balances,
            IsSnapshot = false,
        });
        return new SpotUserDataMessage(SpotUserDataEventType.OutboundAccountPosition, eventTime);
    }

    private static SpotUserDataMessage ParseBalanceDelta(ReadOnlySpan<byte> json, SpotUserDataEventType type)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var delta = new BalanceDelta(
            root.GetRequiredString("a"),
            root.GetDecimal("d"),
            JsonReading.FromMilliseconds(root.GetRequiredInt64("T")),
            type == SpotUserDataEventType.ExternalLockUpdate);
        return new SpotUserDataMessage(type, JsonReading.FromMilliseconds(root.GetRequiredInt64("E")), BalanceDelta: delta);
    }

    private SpotUserDataMessage ParseListStatus(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var orders = new List<(ClientOrderId, VenueOrderId)>();
        foreach (var leg in root.GetProperty("O").EnumerateArray())
        {
            var cid = leg.GetRequiredString("c");
            if (!ClientOrderId.IsValid(cid)) throw new BinanceProtocolException($"listStatus leg has an invalid client order id '{cid}'");
            orders.Add((new ClientOrderId(cid), new VenueOrderId(leg.GetRequiredInt64("i").ToString(CultureInfo.InvariantCulture))));
        }
        var reject = root.TryGetProperty("r", out var r) ? r.GetString() : null;
        var report = new OrderListReport
        {
            OrderListId = root.GetRequiredInt64("g"),
            ListClientOrderId = root.GetRequiredString("C"),
            Instrument = _symbols.ToInstrument(root.GetRequiredString("s")),
            ContingencyType = root.GetRequiredString("c"),
            ListStatusType = root.GetRequiredString("l"),
            ListOrderStatus = root.GetRequiredString("L"),
            RejectReason = reject is null or "NONE" ? null : reject,
            Timestamp = JsonReading.FromMilliseconds(root.GetRequiredInt64("T")),
            Orders = orders,
        };
        return new SpotUserDataMessage(SpotUserDataEventType.ListStatus, JsonReading.FromMilliseconds(root.GetRequiredInt64("E")), ListStatus: report);
    }
}
