using System.Globalization;
using System.Text.Json;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>The USD-M user-data event types (REFERENCE §5.8).</summary>
public enum UsdMUserDataEventType
{
    Unknown = 0,
    OrderTradeUpdate = 1,
    AccountUpdate = 2,
    AlgoUpdate = 3,
    MarginCall = 4,
    AccountConfigUpdate = 5,
    /// <summary>The listenKey expired: no more events until a new key is used.</summary>
    ListenKeyExpired = 6,
    /// <summary>Low-latency fill summary; the same fill follows in <c>ORDER_TRADE_UPDATE</c>, which is what is applied.</summary>
    TradeLite = 7,
    /// <summary>Deprecated since 2025-12-15 (rejections now arrive in <c>ALGO_UPDATE</c>).</summary>
    ConditionalOrderTriggerReject = 8,
}

/// <summary>One asset line of an <c>ACCOUNT_UPDATE</c>: wallet and cross wallet balance and the change excluding PnL and commission.</summary>
public sealed record UsdMBalanceChange(string Asset, decimal WalletBalance, decimal CrossWalletBalance, decimal BalanceChange);

/// <summary>What one USD-M user-data event was, with the parts that are not port events.</summary>
public readonly record struct UsdMUserDataMessage(
    UsdMUserDataEventType Type,
    DateTimeOffset EventTime,
    string? AccountUpdateReason = null,
    IReadOnlyList<UsdMBalanceChange>? BalanceChanges = null,
    AlgoOrderReport? Algo = null,
    string? ListenKey = null);

/// <summary>
/// Parses USD-M user-data events into port events: <c>ORDER_TRADE_UPDATE</c> (hot path, <see cref="Utf8JsonReader"/>)
/// → order updates and fills (with commission, realized PnL <c>rp</c> and position side); <c>ACCOUNT_UPDATE</c> →
/// balances and positions; <c>ALGO_UPDATE</c> → updates of the conditional order; <c>MARGIN_CALL</c>;
/// <c>ACCOUNT_CONFIG_UPDATE</c>. It remembers which engine order each triggered algo order became, so the engine
/// order's updates are reported on the OMS order (the <c>clientAlgoId</c>) whatever client id the venue gave it.
/// One instance per account stream.
/// </summary>
public sealed class UsdMUserDataParser
{
    private readonly BinanceSymbolMapper _symbols;
    private readonly int _maxTracked;
    private readonly Dictionary<long, ClientOrderId> _triggered = [];
    private readonly Queue<long> _triggeredOrder = new();
    private readonly Lock _gate = new();

    /// <param name="symbols">The USD-M symbol mapper.</param>
    /// <param name="maxTrackedAlgoOrders">How many triggered algo orders to remember (oldest forgotten first).</param>
    public UsdMUserDataParser(BinanceSymbolMapper symbols, int maxTrackedAlgoOrders = 10_000)
    {
        if (symbols.Api != BinanceApi.UsdM) throw new ArgumentException("the USD-M user-data parser needs the USD-M symbol mapper", nameof(symbols));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrackedAlgoOrders, 1);
        _symbols = symbols;
        _maxTracked = maxTrackedAlgoOrders;
    }

    /// <summary>Remembers that engine order <paramref name="engineOrderId"/> is the triggered form of <paramref name="clientAlgoId"/> (e.g. from an algo query).</summary>
    public void TrackTriggeredAlgo(long engineOrderId, ClientOrderId clientAlgoId)
    {
        lock (_gate)
        {
            if (_triggered.ContainsKey(engineOrderId)) return;
            _triggered[engineOrderId] = clientAlgoId;
            _triggeredOrder.Enqueue(engineOrderId);
            while (_triggeredOrder.Count > _maxTracked) _triggered.Remove(_triggeredOrder.Dequeue());
        }
    }

    /// <summary>The algo order an engine order was triggered from, when known.</summary>
    public bool TryGetTriggeredAlgo(long engineOrderId, out ClientOrderId clientAlgoId)
    {
        lock (_gate) return _triggered.TryGetValue(engineOrderId, out clientAlgoId);
    }

    /// <summary>Parses one event and appends the port events it implies. Throws <see cref="BinanceProtocolException"/> when the event is malformed.</summary>
    public UsdMUserDataMessage Parse(ReadOnlySpan<byte> eventJson, AccountId account, ICollection<VenueEvent> output)
    {
        var type = PeekType(eventJson);
        return type switch
        {
            UsdMUserDataEventType.OrderTradeUpdate => ParseOrderTradeUpdate(eventJson, account, output),
            UsdMUserDataEventType.AccountUpdate => ParseAccountUpdate(eventJson, account, output),
            UsdMUserDataEventType.AlgoUpdate => ParseAlgoUpdate(eventJson, account, output),
            UsdMUserDataEventType.MarginCall => ParseMarginCall(eventJson, account, output),
            UsdMUserDataEventType.AccountConfigUpdate => ParseConfigUpdate(eventJson, account, output),
            UsdMUserDataEventType.ListenKeyExpired => ParseListenKeyExpired(eventJson),
            _ => new UsdMUserDataMessage(type, ReadEventTime(eventJson)),
        };
    }

    /// <summary>Finds the event type (<c>"e"</c>) without parsing the rest.</summary>
    public static UsdMUserDataEventType PeekType(ReadOnlySpan<byte> eventJson)
    {
        var reader = new Utf8JsonReader(eventJson);
        JsonReading.Next(ref reader);
        JsonReading.ExpectStartObject(ref reader, "a user-data event");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
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
                _ when value.SequenceEqual("ORDER_TRADE_UPDATE"u8) => UsdMUserDataEventType.OrderTradeUpdate,
                _ when value.SequenceEqual("ACCOUNT_UPDATE"u8) => UsdMUserDataEventType.AccountUpdate,
                _ when value.SequenceEqual("ALGO_UPDATE"u8) => UsdMUserDataEventType.AlgoUpdate,
                _ when value.SequenceEqual("MARGIN_CALL"u8) => UsdMUserDataEventType.MarginCall,
                _ when value.SequenceEqual("ACCOUNT_CONFIG_UPDATE"u8) => UsdMUserDataEventType.AccountConfigUpdate,
                _ when value.SequenceEqual("listenKeyExpired"u8) => UsdMUserDataEventType.ListenKeyExpired,
                _ when value.SequenceEqual("TRADE_LITE"u8) => UsdMUserDataEventType.TradeLite,
                _ when value.SequenceEqual("CONDITIONAL_ORDER_TRIGGER_REJECT"u8) => UsdMUserDataEventType.ConditionalOrderTriggerReject,
                _ => UsdMUserDataEventType.Unknown,
            };
        }
        throw new BinanceProtocolException("a user-data event has no 'e' (event type)");
    }

    private UsdMUserDataMessage ParseOrderTradeUpdate(ReadOnlySpan<byte> json, AccountId account, ICollection<VenueEvent> output)
    {
        var reader = new Utf8JsonReader(json);
        JsonReading.Next(ref reader);
        long eventTime = 0, transactionTime = 0;
        var order = default(RawOrderUpdate);
        var hasOrder = false;
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var name = reader.ValueSpan;
            JsonReading.Next(ref reader);
            if (name.SequenceEqual("E"u8)) eventTime = JsonReading.ReadInt64(ref reader, "E");
            else if (name.SequenceEqual("T"u8)) transactionTime = JsonReading.ReadInt64(ref reader, "T");
            else if (name.SequenceEqual("o"u8))
            {
                order = ReadOrderUpdate(ref reader);
                hasOrder = true;
            }
            else reader.Skip();
        }
        if (!hasOrder) throw new BinanceProtocolException("ORDER_TRADE_UPDATE has no order object 'o'");
        if (order.Instrument is not { } id) throw new BinanceProtocolException("ORDER_TRADE_UPDATE has no symbol 'o.s'");
        if (order.Execution == UsdMExecutionType.Unknown) throw new BinanceProtocolException($"ORDER_TRADE_UPDATE for {id} has an unknown execution type 'x'");
        if (order.Status == UsdMOrderStatus.Unknown) throw new BinanceProtocolException($"ORDER_TRADE_UPDATE for {id} has an unknown order status 'X'");
        if (order.OrderId < 0) throw new BinanceProtocolException($"ORDER_TRADE_UPDATE for {id} has no order id 'i'");

        // A triggered conditional order reports on the OMS order it came from; venue-generated orders (liquidation
        // 'autoclose-…', ADL, settlement) keep their id when it is a legal client order id.
        ClientOrderId clientId;
        if (TryGetTriggeredAlgo(order.OrderId, out var algoId)) clientId = algoId;
        else if (ClientOrderId.IsValid(order.ClientOrderId)) clientId = new ClientOrderId(order.ClientOrderId);
        else clientId = new ClientOrderId("venue-" + order.OrderId.ToString(CultureInfo.InvariantCulture));
        var venueOrderId = UsdMOrderIds.Order(order.OrderId);
        var time = JsonReading.FromMilliseconds(order.TradeTime != 0 ? order.TradeTime : transactionTime != 0 ? transactionTime : eventTime);

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
            CumulativeFilledQuantity = order.CumulativeQuantity,
        };
        var expiry = UsdMEnums.ExpiryReason(order.ExpiryReason);
        VenueOrderUpdate? StatusUpdate() => order.Status switch
        {
            UsdMOrderStatus.New or UsdMOrderStatus.PartiallyFilled or UsdMOrderStatus.Filled => Update(VenueOrderEventKind.Accepted),
            UsdMOrderStatus.Canceled => Update(VenueOrderEventKind.Canceled),
            UsdMOrderStatus.Expired or UsdMOrderStatus.ExpiredInMatch => Update(VenueOrderEventKind.Expired, expiry),
            UsdMOrderStatus.Rejected => Update(VenueOrderEventKind.Rejected, expiry),
            _ => null,
        };

        switch (order.Execution)
        {
            case UsdMExecutionType.New:
                output.Add(Update(VenueOrderEventKind.Accepted));
                break;
            case UsdMExecutionType.Canceled:
                output.Add(Update(VenueOrderEventKind.Canceled, expiry));
                break;
            case UsdMExecutionType.Expired:
                output.Add(Update(VenueOrderEventKind.Expired, expiry));
                break;
            case UsdMExecutionType.Amendment:
                output.Add(Update(VenueOrderEventKind.Replaced, newQuantity: order.Quantity, newPrice: order.Price > 0m ? order.Price : null));
                break;
            case UsdMExecutionType.Trade or UsdMExecutionType.Calculated:
                if (order.LastQuantity > 0m)
                {
                    if (order.Side is not { } side) throw new BinanceProtocolException($"ORDER_TRADE_UPDATE trade of {clientId} on {id} has no side 'S'");
                    if (order.TradeId <= 0) throw new BinanceProtocolException($"ORDER_TRADE_UPDATE trade of {clientId} on {id} has no trade id 't'");
                    output.Add(new VenueFill
                    {
                        Account = account,
                        Timestamp = time,
                        Source = VenueEventSource.Stream,
                        Fill = new Fill
                        {
                            Instrument = id,
                            TradeId = new TradeId(order.TradeId.ToString(CultureInfo.InvariantCulture)),
                            ClientOrderId = clientId,
                            VenueOrderId = venueOrderId,
                            Side = side,
                            Quantity = order.LastQuantity,
                            Price = order.LastPrice,
                            Fee = order.Commission,
                            FeeAsset = order.CommissionAsset ?? string.Empty,
                            Liquidity = order.Maker ? LiquiditySide.Maker : LiquiditySide.Taker,
                            Timestamp = time,
                            VenueRealizedPnl = order.RealizedProfit,
                            PositionSide = order.PositionSide ?? PositionSide.Both,
                        },
                    });
                }
                if (StatusUpdate() is { } afterTrade) output.Add(afterTrade);
                break;
        }
        return new UsdMUserDataMessage(UsdMUserDataEventType.OrderTradeUpdate, JsonReading.FromMilliseconds(eventTime));
    }

    private struct RawOrderUpdate
    {
        public InstrumentId? Instrument;
        public string? ClientOrderId;
        public OrderSide? Side;
        public UsdMExecutionType Execution;
        public UsdMOrderStatus Status;
        public long OrderId;
        public long TradeId;
        public long TradeTime;
        public decimal Quantity;
        public decimal Price;
        public decimal LastQuantity;
        public decimal LastPrice;
        public decimal CumulativeQuantity;
        public decimal Commission;
        public string? CommissionAsset;
        public bool Maker;
        public PositionSide? PositionSide;
        public decimal? RealizedProfit;
        public string? ExpiryReason;
    }

    private RawOrderUpdate ReadOrderUpdate(ref Utf8JsonReader reader)
    {
        JsonReading.ExpectStartObject(ref reader, "ORDER_TRADE_UPDATE 'o'");
        var o = new RawOrderUpdate { OrderId = -1 };
        Span<char> symbolBuffer = stackalloc char[64];
        Span<byte> scratch = stackalloc byte[64];
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return o;
            var name = reader.ValueSpan;
            JsonReading.Next(ref reader);
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'s':
                        var length = reader.CopyString(symbolBuffer);
                        o.Instrument = _symbols.ToInstrument(symbolBuffer[..length]);
                        break;
                    case (byte)'c': o.ClientOrderId = JsonReading.ReadStringOrNull(ref reader); break;
                    case (byte)'S': o.Side = SpotEnums.ParseSide(JsonReading.ValueBytes(in reader, scratch)); break;
                    case (byte)'q': o.Quantity = JsonReading.ReadDecimal(ref reader, "o.q"); break;
                    case (byte)'p': o.Price = JsonReading.ReadDecimal(ref reader, "o.p"); break;
                    case (byte)'x': o.Execution = UsdMEnums.ParseExecutionType(JsonReading.ValueBytes(in reader, scratch)); break;
                    case (byte)'X': o.Status = UsdMEnums.ParseStatus(JsonReading.ValueBytes(in reader, scratch)); break;
                    case (byte)'i': o.OrderId = JsonReading.ReadInt64(ref reader, "o.i"); break;
                    case (byte)'l': o.LastQuantity = JsonReading.ReadDecimal(ref reader, "o.l"); break;
                    case (byte)'z': o.CumulativeQuantity = JsonReading.ReadDecimal(ref reader, "o.z"); break;
                    case (byte)'L': o.LastPrice = JsonReading.ReadDecimal(ref reader, "o.L"); break;
                    case (byte)'N': o.CommissionAsset = JsonReading.ReadStringOrNull(ref reader); break;
                    case (byte)'n': o.Commission = JsonReading.ReadDecimalOrNull(ref reader, "o.n") ?? 0m; break;
                    case (byte)'T': o.TradeTime = JsonReading.ReadInt64(ref reader, "o.T"); break;
                    case (byte)'t': o.TradeId = JsonReading.ReadInt64(ref reader, "o.t"); break;
                    case (byte)'m': o.Maker = JsonReading.ReadBool(ref reader, "o.m"); break;
                    default: reader.Skip(); break;
                }
            }
            else if (name.SequenceEqual("ps"u8)) o.PositionSide = UsdMEnums.ParsePositionSide(JsonReading.ValueBytes(in reader, scratch));
            else if (name.SequenceEqual("rp"u8)) o.RealizedProfit = JsonReading.ReadDecimalOrNull(ref reader, "o.rp");
            else if (name.SequenceEqual("er"u8)) o.ExpiryReason = reader.TokenType == JsonTokenType.Number ? reader.GetInt64().ToString(CultureInfo.InvariantCulture) : JsonReading.ReadStringOrNull(ref reader);
            else reader.Skip();
        }
    }

    private UsdMUserDataMessage ParseAccountUpdate(ReadOnlySpan<byte> json, AccountId account, ICollection<VenueEvent> output)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var eventTime = ReadTime(root, "E");
        var time = root.TryGetProperty("T", out _) ? ReadTime(root, "T") : eventTime;
        if (!root.TryGetProperty("a", out var a) || a.ValueKind != JsonValueKind.Object) throw new BinanceProtocolException("ACCOUNT_UPDATE has no update object 'a'");
        var reason = a.TryGetProperty("m", out var m) ? m.GetString() : null;
        var changes = new List<UsdMBalanceChange>();
        if (a.TryGetProperty("B", out var balances))
        {
            foreach (var b in balances.EnumerateArray())
            {
                changes.Add(new UsdMBalanceChange(b.GetRequiredString("a"), b.GetDecimal("wb"), b.GetDecimal("cw"), b.GetDecimalOrNull("bc") ?? 0m));
            }
        }
        if (changes.Count > 0)
        {
            output.Add(new VenueBalanceUpdate
            {
                Account = account,
                Timestamp = time,
                Source = VenueEventSource.Stream,
                // Free = cross wallet balance, locked = the part set aside for isolated positions (as the REST balance maps it).
                Balances = [.. changes.Select(c => new VenueBalance(c.Asset, c.CrossWalletBalance, c.WalletBalance - c.CrossWalletBalance))],
                IsSnapshot = false,
            });
        }
        var positions = new List<VenuePosition>();
        if (a.TryGetProperty("P", out var list))
        {
            foreach (var p in list.EnumerateArray())
            {
                var instrument = _symbols.ToInstrument(p.GetRequiredString("s"));
                var sideText = p.TryGetProperty("ps", out var ps) ? ps.GetString() : "BOTH";
                positions.Add(new VenuePosition
                {
                    Instrument = instrument,
                    PositionSide = UsdMEnums.ParsePositionSide(sideText)
                        ?? throw new BinanceProtocolException($"ACCOUNT_UPDATE position of {instrument} has an unknown position side '{sideText}'"),
                    Quantity = p.GetDecimal("pa"),
                    EntryPrice = p.GetDecimal("ep"),
                    BreakEvenPrice = p.GetDecimalOrNull("bep"),
                    AccumulatedRealizedPnl = p.GetDecimalOrNull("cr"),
                    UnrealizedPnl = p.GetDecimalOrNull("up"),
                    MarginType = UsdMEnums.ParseMarginType(p.TryGetProperty("mt", out var mt) ? mt.GetString() : null),
                    IsolatedWallet = p.GetDecimalOrNull("iw"),
                    MarginAsset = p.TryGetProperty("ma", out var ma) ? ma.GetString() : null,
                });
            }
        }
        if (positions.Count > 0)
        {
            output.Add(new VenuePositionUpdate
            {
                Account = account,
                Timestamp = time,
                Source = VenueEventSource.Stream,
                Positions = positions,
                IsSnapshot = false,
                VenueReason = reason,
            });
        }
        return new UsdMUserDataMessage(UsdMUserDataEventType.AccountUpdate, eventTime, AccountUpdateReason: reason, BalanceChanges: changes);
    }

    private UsdMUserDataMessage ParseAlgoUpdate(ReadOnlySpan<byte> json, AccountId account, ICollection<VenueEvent> output)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var eventTime = ReadTime(root, "E");
        var time = root.TryGetProperty("T", out _) ? ReadTime(root, "T") : eventTime;
        if (!root.TryGetProperty("o", out var o) || o.ValueKind != JsonValueKind.Object) throw new BinanceProtocolException("ALGO_UPDATE has no order object 'o'");
        var instrument = _symbols.ToInstrument(o.GetRequiredString("s"));
        var clientAlgoId = o.GetRequiredString("caid");
        if (!ClientOrderId.IsValid(clientAlgoId)) throw new BinanceProtocolException($"ALGO_UPDATE on {instrument} has an invalid clientAlgoId '{clientAlgoId}'");
        var statusText = o.TryGetProperty("X", out var x) ? x.GetString() : null;
        var status = UsdMEnums.ParseAlgoStatus(statusText);
        if (status == AlgoOrderStatus.Unknown) throw new BinanceProtocolException($"ALGO_UPDATE of {clientAlgoId} has an unknown status '{statusText}'");
        var actual = o.TryGetProperty("ai", out var ai) ? UsdMOrderParser.ParseOptionalId(ai, "ai") : null;
        var reason = o.TryGetProperty("rm", out var rm) ? rm.GetString() : null;
        var tif = o.TryGetProperty("f", out var f) ? UsdMEnums.ParseTimeInForce(f.GetString()) : null;
        var triggerTime = o.TryGetProperty("tt", out var tt) && tt.ValueKind == JsonValueKind.Number && tt.GetInt64() > 0 ? JsonReading.FromMilliseconds(tt.GetInt64()) : (DateTimeOffset?)null;
        var report = new AlgoOrderReport
        {
            Instrument = instrument,
            ClientOrderId = new ClientOrderId(clientAlgoId),
            AlgoId = o.GetRequiredInt64("aid"),
            Status = status,
            Side = o.TryGetProperty("S", out var s) ? s.GetString() switch { "BUY" => OrderSide.Buy, "SELL" => OrderSide.Sell, _ => null } : null,
            Type = UsdMEnums.ParseOrderType(o.TryGetProperty("o", out var type) ? type.GetString() : null),
            PositionSide = UsdMEnums.ParsePositionSide(o.TryGetProperty("ps", out var ps) ? ps.GetString() : null),
            TimeInForce = tif,
            Quantity = UsdMOrderParser.Optional(o, "q"),
            TriggerPrice = Positive(UsdMOrderParser.Optional(o, "tp")),
            Price = Positive(UsdMOrderParser.Optional(o, "p")),
            TriggerPriceType = UsdMEnums.ParseWorkingType(o.TryGetProperty("wt", out var wt) ? wt.GetString() : null),
            ClosePosition = o.GetBoolOrDefault("cp", false),
            PriceProtect = o.GetBoolOrDefault("pP", false),
            ReduceOnly = o.GetBoolOrDefault("R", false),
            UpdatedAt = time,
            TriggeredAt = triggerTime,
            ActualOrderId = actual,
            AveragePrice = Positive(UsdMOrderParser.Optional(o, "ap")),
            ExecutedQuantity = UsdMOrderParser.Optional(o, "aq"),
            FailureReason = string.IsNullOrEmpty(reason) ? null : reason,
        };
        if (actual is { } engineOrderId) TrackTriggeredAlgo(engineOrderId, report.ClientOrderId);
        foreach (var e in report.ToEvents(account, VenueEventSource.Stream, time)) output.Add(e);
        return new UsdMUserDataMessage(UsdMUserDataEventType.AlgoUpdate, eventTime, Algo: report);
    }

    private UsdMUserDataMessage ParseMarginCall(ReadOnlySpan<byte> json, AccountId account, ICollection<VenueEvent> output)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var eventTime = ReadTime(root, "E");
        var positions = new List<VenueMarginCallPosition>();
        if (root.TryGetProperty("p", out var list))
        {
            foreach (var p in list.EnumerateArray())
            {
                var instrument = _symbols.ToInstrument(p.GetRequiredString("s"));
                var sideText = p.TryGetProperty("ps", out var ps) ? ps.GetString() : "BOTH";
                positions.Add(new VenueMarginCallPosition
                {
                    Instrument = instrument,
                    PositionSide = UsdMEnums.ParsePositionSide(sideText)
                        ?? throw new BinanceProtocolException($"MARGIN_CALL position of {instrument} has an unknown position side '{sideText}'"),
                    Quantity = p.GetDecimal("pa"),
                    MarginType = UsdMEnums.ParseMarginType(p.TryGetProperty("mt", out var mt) ? mt.GetString() : null),
                    IsolatedWallet = p.GetDecimalOrNull("iw"),
                    MarkPrice = p.GetDecimal("mp"),
                    UnrealizedPnl = p.GetDecimalOrNull("up"),
                    MaintenanceMargin = p.GetDecimalOrNull("mm"),
                });
            }
        }
        output.Add(new VenueMarginCall
        {
            Account = account,
            Timestamp = eventTime,
            Source = VenueEventSource.Stream,
            CrossWalletBalance = root.GetDecimalOrNull("cw"),
            Positions = positions,
        });
        return new UsdMUserDataMessage(UsdMUserDataEventType.MarginCall, eventTime);
    }

    private UsdMUserDataMessage ParseConfigUpdate(ReadOnlySpan<byte> json, AccountId account, ICollection<VenueEvent> output)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var eventTime = ReadTime(root, "E");
        var time = root.TryGetProperty("T", out _) ? ReadTime(root, "T") : eventTime;
        if (root.TryGetProperty("ac", out var ac))
        {
            output.Add(new VenueAccountConfigUpdate
            {
                Account = account,
                Timestamp = time,
                Source = VenueEventSource.Stream,
                Instrument = _symbols.ToInstrument(ac.GetRequiredString("s")),
                Leverage = (int)ac.GetRequiredInt64("l"),
            });
        }
        else if (root.TryGetProperty("ai", out var ai))
        {
            if (!ai.TryGetProperty("j", out var j) || j.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw new BinanceProtocolException("ACCOUNT_CONFIG_UPDATE 'ai' has no boolean 'j' (multi-assets mode)");
            output.Add(new VenueAccountConfigUpdate
            {
                Account = account,
                Timestamp = time,
                Source = VenueEventSource.Stream,
                MultiAssetsMargin = j.GetBoolean(),
            });
        }
        else
        {
            throw new BinanceProtocolException("ACCOUNT_CONFIG_UPDATE has neither 'ac' (leverage) nor 'ai' (multi-assets mode)");
        }
        return new UsdMUserDataMessage(UsdMUserDataEventType.AccountConfigUpdate, eventTime);
    }

    private static UsdMUserDataMessage ParseListenKeyExpired(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        return new UsdMUserDataMessage(UsdMUserDataEventType.ListenKeyExpired, ReadTime(root, "E"),
            ListenKey: root.TryGetProperty("listenKey", out var key) ? key.GetString() : null);
    }

    private static DateTimeOffset ReadEventTime(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return document.RootElement.TryGetProperty("E", out _) ? ReadTime(document.RootElement, "E") : DateTimeOffset.UnixEpoch;
    }

    /// <summary>Milliseconds as a number or, as <c>listenKeyExpired</c> sends it, a string.</summary>
    private static DateTimeOffset ReadTime(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value)) throw new BinanceProtocolException($"field '{property}' is missing");
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms)) return JsonReading.FromMilliseconds(ms);
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            return JsonReading.FromMilliseconds(parsed);
        throw new BinanceProtocolException($"field '{property}' is not a time in milliseconds: {value.GetRawText()}");
    }

    private static decimal? Positive(decimal? value) => value is > 0m ? value : null;
}
