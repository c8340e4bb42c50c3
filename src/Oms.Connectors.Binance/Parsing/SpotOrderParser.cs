using System.Globalization;
using System.Text.Json;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>
/// Parses spot order objects (REST bodies and WebSocket API <c>result</c>s share the shape) with
/// <see cref="Utf8JsonReader"/>: ACK / RESULT / FULL placement responses, cancel responses, queries, open orders,
/// order lists (OCO) and cancel-replace results.
/// </summary>
internal static class SpotOrderParser
{
    private struct RawFill
    {
        public decimal Price;
        public decimal Quantity;
        public decimal Commission;
        public string? CommissionAsset;
        public long TradeId;
    }

    /// <summary>Parses one order object from a complete JSON document.</summary>
    public static OrderReport ParseOrder(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        return ReadOrder(ref reader, symbols);
    }

    /// <summary>Parses an array of order objects (open orders, all orders).</summary>
    public static IReadOnlyList<OrderReport> ParseOrders(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray) throw new BinanceProtocolException($"an order list should be a JSON array, not {reader.TokenType}");
        var result = new List<OrderReport>();
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return result;
            result.Add(ReadOrder(ref reader, symbols));
        }
    }

    /// <summary>Reads the order object the reader is on (StartObject) and leaves the reader on its EndObject.</summary>
    public static OrderReport ReadOrder(ref Utf8JsonReader reader, BinanceSymbolMapper symbols)
    {
        JsonReading.ExpectStartObject(ref reader, "an order");
        InstrumentId? instrument = null;
        string? clientOrderId = null, origClientOrderId = null, expiryReason = null;
        long? orderId = null, orderListId = null, trailingDelta = null, transactTime = null, updateTime = null, time = null;
        OrderSide? side = null;
        OrderType? type = null;
        TimeInForce? tif = null;
        var status = SpotOrderStatus.Unknown;
        var hasStatus = false;
        decimal? price = null, origQty = null, executedQty = null, cumQuote = null, origQuoteQty = null, stopPrice = null, iceberg = null;
        bool? isWorking = null;
        List<RawFill>? fills = null;
        Span<char> symbolBuffer = stackalloc char[64];
        Span<byte> scratch = stackalloc byte[64];

        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName) throw new BinanceProtocolException("an order object is malformed");
            var name = reader.ValueSpan;
            JsonReading.Next(ref reader);
            switch (name)
            {
                case var _ when name.SequenceEqual("symbol"u8):
                    var length = reader.CopyString(symbolBuffer);
                    instrument = symbols.ToInstrument(symbolBuffer[..length]);
                    break;
                case var _ when name.SequenceEqual("orderId"u8): orderId = JsonReading.ReadInt64(ref reader, "orderId"); break;
                case var _ when name.SequenceEqual("orderListId"u8): orderListId = JsonReading.ReadInt64(ref reader, "orderListId"); break;
                case var _ when name.SequenceEqual("clientOrderId"u8): clientOrderId = reader.GetString(); break;
                case var _ when name.SequenceEqual("origClientOrderId"u8): origClientOrderId = reader.GetString(); break;
                case var _ when name.SequenceEqual("transactTime"u8): transactTime = JsonReading.ReadInt64(ref reader, "transactTime"); break;
                case var _ when name.SequenceEqual("updateTime"u8): updateTime = JsonReading.ReadInt64(ref reader, "updateTime"); break;
                case var _ when name.SequenceEqual("time"u8): time = JsonReading.ReadInt64(ref reader, "time"); break;
                case var _ when name.SequenceEqual("price"u8): price = JsonReading.ReadDecimal(ref reader, "price"); break;
                case var _ when name.SequenceEqual("origQty"u8): origQty = JsonReading.ReadDecimal(ref reader, "origQty"); break;
                case var _ when name.SequenceEqual("executedQty"u8): executedQty = JsonReading.ReadDecimal(ref reader, "executedQty"); break;
                case var _ when name.SequenceEqual("cummulativeQuoteQty"u8): cumQuote = JsonReading.ReadDecimal(ref reader, "cummulativeQuoteQty"); break;
                case var _ when name.SequenceEqual("origQuoteOrderQty"u8): origQuoteQty = JsonReading.ReadDecimal(ref reader, "origQuoteOrderQty"); break;
                case var _ when name.SequenceEqual("stopPrice"u8): stopPrice = JsonReading.ReadDecimal(ref reader, "stopPrice"); break;
                case var _ when name.SequenceEqual("icebergQty"u8): iceberg = JsonReading.ReadDecimal(ref reader, "icebergQty"); break;
                case var _ when name.SequenceEqual("trailingDelta"u8): trailingDelta = JsonReading.ReadInt64(ref reader, "trailingDelta"); break;
                case var _ when name.SequenceEqual("status"u8):
                    status = SpotEnums.ParseStatus(JsonReading.ValueBytes(in reader, scratch));
                    hasStatus = true;
                    break;
                case var _ when name.SequenceEqual("side"u8): side = SpotEnums.ParseSide(JsonReading.ValueBytes(in reader, scratch)); break;
                case var _ when name.SequenceEqual("type"u8): type = SpotEnums.ParseOrderType(JsonReading.ValueBytes(in reader, scratch)); break;
                case var _ when name.SequenceEqual("timeInForce"u8): tif = SpotEnums.ParseTimeInForce(JsonReading.ValueBytes(in reader, scratch)); break;
                case var _ when name.SequenceEqual("expiryReason"u8): expiryReason = JsonReading.ReadStringOrNull(ref reader); break;
                case var _ when name.SequenceEqual("isWorking"u8): isWorking = JsonReading.ReadBool(ref reader, "isWorking"); break;
                case var _ when name.SequenceEqual("fills"u8): fills = ReadFills(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        if (instrument is not { } id) throw new BinanceProtocolException("an order object has no 'symbol'");
        if (orderId is not { } venueId) throw new BinanceProtocolException($"an order object for {id} has no 'orderId'");
        var ownId = origClientOrderId is { Length: > 0 } ? origClientOrderId : clientOrderId;
        // A replacement placed by cancel-replace carries a lineage id: the events are the OMS order's.
        if (Orders.SpotClientOrderIds.ToOms(ownId) is not { } clientId)
            throw new BinanceProtocolException($"order {venueId} on {id} has an invalid client order id '{ownId}'");
        if (hasStatus && status == SpotOrderStatus.Unknown)
            throw new BinanceProtocolException($"order {ownId} on {id} has an unknown status");

        var venueOrderId = new VenueOrderId(venueId.ToString(CultureInfo.InvariantCulture));
        var timestamp = transactTime ?? updateTime ?? time;
        var fillTime = timestamp is { } t ? JsonReading.FromMilliseconds(t) : DateTimeOffset.UnixEpoch;
        IReadOnlyList<Fill> domainFills = [];
        if (fills is { Count: > 0 })
        {
            if (side is not { } fillSide) throw new BinanceProtocolException($"order {ownId} on {id} has fills but no 'side'");
            var list = new Fill[fills.Count];
            for (var i = 0; i < fills.Count; i++)
            {
                var raw = fills[i];
                list[i] = new Fill
                {
                    Instrument = id,
                    TradeId = new TradeId(raw.TradeId.ToString(CultureInfo.InvariantCulture)),
                    ClientOrderId = clientId,
                    VenueOrderId = venueOrderId,
                    Side = fillSide,
                    Quantity = raw.Quantity,
                    Price = raw.Price,
                    Fee = raw.Commission,
                    FeeAsset = raw.CommissionAsset ?? string.Empty,
                    // Fills inside a placement response are executions of the incoming order: it took liquidity.
                    Liquidity = LiquiditySide.Taker,
                    Timestamp = fillTime,
                };
            }
            domainFills = list;
        }

        return new OrderReport
        {
            Instrument = id,
            ClientOrderId = clientId,
            CancelRequestId = origClientOrderId is { Length: > 0 } ? clientOrderId : null,
            VenueClientOrderId = ownId,
            ReplacedAway = origClientOrderId is { Length: > 0 } && Orders.SpotClientOrderIds.IsCancelLeg(clientOrderId),
            VenueOrderId = venueOrderId,
            OrderListId = orderListId is { } listId && listId >= 0 ? listId : null,
            Side = side,
            Type = type,
            TimeInForce = tif,
            Status = hasStatus ? SpotEnums.ToDomain(status) : null,
            Quantity = origQty,
            Price = price,
            StopPrice = stopPrice is > 0m ? stopPrice : null,
            IcebergQuantity = iceberg is > 0m ? iceberg : null,
            TrailingDelta = trailingDelta is > 0 ? trailingDelta : null,
            ExecutedQuantity = executedQty,
            CumulativeQuoteQuantity = cumQuote,
            QuoteOrderQuantity = origQuoteQty is > 0m ? origQuoteQty : null,
            Timestamp = timestamp is { } ts ? JsonReading.FromMilliseconds(ts) : null,
            CreatedAt = time is { } created ? JsonReading.FromMilliseconds(created) : null,
            ExpiryReason = expiryReason is null or "NONE" ? null : expiryReason,
            IsWorking = isWorking,
            Fills = domainFills,
        };
    }

    private static List<RawFill> ReadFills(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new BinanceProtocolException("'fills' should be an array");
        var fills = new List<RawFill>();
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return fills;
            JsonReading.ExpectStartObject(ref reader, "a fill");
            var fill = default(RawFill);
            var hasTradeId = false;
            while (true)
            {
                JsonReading.Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var name = reader.ValueSpan;
                JsonReading.Next(ref reader);
                if (name.SequenceEqual("price"u8)) fill.Price = JsonReading.ReadDecimal(ref reader, "fills.price");
                else if (name.SequenceEqual("qty"u8)) fill.Quantity = JsonReading.ReadDecimal(ref reader, "fills.qty");
                else if (name.SequenceEqual("commission"u8)) fill.Commission = JsonReading.ReadDecimal(ref reader, "fills.commission");
                else if (name.SequenceEqual("commissionAsset"u8)) fill.CommissionAsset = JsonReading.ReadStringOrNull(ref reader);
                else if (name.SequenceEqual("tradeId"u8))
                {
                    fill.TradeId = JsonReading.ReadInt64(ref reader, "fills.tradeId");
                    hasTradeId = true;
                }
                else reader.Skip();
            }
            if (!hasTradeId) throw new BinanceProtocolException("a fill has no 'tradeId'");
            fills.Add(fill);
        }
    }

    /// <summary>Parses an order list (OCO placement, list cancel, list query) with its order reports.</summary>
    public static OrderListReport ParseOrderList(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return ReadOrderList(document.RootElement, symbols);
    }

    public static OrderListReport ReadOrderList(JsonElement root, BinanceSymbolMapper symbols)
    {
        var instrument = symbols.ToInstrument(root.GetRequiredString("symbol"));
        var orders = new List<(ClientOrderId, VenueOrderId)>();
        if (root.TryGetProperty("orders", out var ordersElement))
        {
            foreach (var order in ordersElement.EnumerateArray())
            {
                var cid = order.GetRequiredString("clientOrderId");
                if (!ClientOrderId.IsValid(cid)) throw new BinanceProtocolException($"order list leg has an invalid client order id '{cid}'");
                orders.Add((new ClientOrderId(cid), new VenueOrderId(order.GetRequiredInt64("orderId").ToString(CultureInfo.InvariantCulture))));
            }
        }
        var reports = new List<OrderReport>();
        if (root.TryGetProperty("orderReports", out var reportsElement))
        {
            foreach (var report in reportsElement.EnumerateArray())
            {
                reports.Add(ParseOrder(System.Text.Encoding.UTF8.GetBytes(report.GetRawText()), symbols));
            }
        }
        return new OrderListReport
        {
            OrderListId = root.GetRequiredInt64("orderListId"),
            ListClientOrderId = root.GetRequiredString("listClientOrderId"),
            Instrument = instrument,
            ContingencyType = root.GetRequiredString("contingencyType"),
            ListStatusType = root.GetRequiredString("listStatusType"),
            ListOrderStatus = root.GetRequiredString("listOrderStatus"),
            Timestamp = JsonReading.FromMilliseconds(root.GetRequiredInt64("transactionTime")),
            Orders = orders,
            OrderReports = reports,
        };
    }

    /// <summary>Parses a cancel-replace success body (or the <c>data</c> of a -2021/-2022 error).</summary>
    public static CancelReplaceReport ParseCancelReplace(JsonElement root, BinanceSymbolMapper symbols, string operation)
    {
        static CancelReplaceLegResult Leg(string text) => text switch
        {
            "SUCCESS" => CancelReplaceLegResult.Success,
            "FAILURE" => CancelReplaceLegResult.Failure,
            "NOT_ATTEMPTED" => CancelReplaceLegResult.NotAttempted,
            _ => throw new BinanceProtocolException($"unknown cancel-replace leg result '{text}'"),
        };

        OrderReport? report = null, newReport = null;
        BinanceError? cancelError = null, newError = null;
        if (root.TryGetProperty("cancelResponse", out var cancel) && cancel.ValueKind == JsonValueKind.Object)
        {
            if (cancel.TryGetProperty("code", out _)) cancelError = LegError(cancel, $"cancel leg of {operation}", readOnly: false);
            else report = ParseOrder(System.Text.Encoding.UTF8.GetBytes(cancel.GetRawText()), symbols);
        }
        if (root.TryGetProperty("newOrderResponse", out var created) && created.ValueKind == JsonValueKind.Object)
        {
            if (created.TryGetProperty("code", out _)) newError = LegError(created, $"new-order leg of {operation}", readOnly: false);
            else newReport = ParseOrder(System.Text.Encoding.UTF8.GetBytes(created.GetRawText()), symbols);
        }
        return new CancelReplaceReport
        {
            CancelResult = Leg(root.GetRequiredString("cancelResult")),
            NewOrderResult = Leg(root.GetRequiredString("newOrderResult")),
            CancelResponse = report,
            NewOrderResponse = newReport,
            CancelError = cancelError,
            NewOrderError = newError,
        };
    }

    private static BinanceError LegError(JsonElement element, string operation, bool readOnly)
    {
        var code = (int)element.GetRequiredInt64("code");
        var message = element.TryGetProperty("msg", out var msg) ? msg.GetString() ?? string.Empty : string.Empty;
        return new BinanceError
        {
            Kind = BinanceErrorClassifier.ClassifyCode(code, message, readOnly) is var kind && kind == VenueErrorKind.Other ? VenueErrorKind.Rejected : kind,
            Operation = operation,
            Code = code,
            Reason = message,
        };
    }
}
