using System.Text.Json;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;

namespace Oms.Connectors.Binance.WebSocket;

/// <summary>What an incoming WebSocket API message is.</summary>
internal enum WsFrameKind
{
    Unknown = 0,
    /// <summary><c>{"id", "status", "result"|"error", "rateLimits"}</c>.</summary>
    Response = 1,
    /// <summary><c>{"subscriptionId", "event"}</c>: a user-data event.</summary>
    SubscriptionEvent = 2,
    /// <summary><c>{"event"}</c> without a subscription: connection-level events such as <c>serverShutdown</c>.</summary>
    ConnectionEvent = 3,
}

/// <summary>
/// The envelope of one incoming message, read in one pass with <see cref="Utf8JsonReader"/>: ids and status decoded,
/// the <c>result</c>, <c>error</c>, <c>event</c> and <c>rateLimits</c> values located as byte ranges of the message.
/// </summary>
internal readonly struct WsApiFrame
{
    public WsFrameKind Kind { get; init; }
    /// <summary>The numeric request id; null when the id is absent, null, or not one of ours (not a number).</summary>
    public long? Id { get; init; }
    public int Status { get; init; }
    public long? SubscriptionId { get; init; }
    public Range Result { get; init; }
    public Range Error { get; init; }
    public Range Event { get; init; }
    public Range RateLimits { get; init; }
    public bool HasResult { get; init; }
    public bool HasError { get; init; }
    public bool HasRateLimits { get; init; }

    public static WsApiFrame Parse(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        JsonReading.Next(ref reader);
        JsonReading.ExpectStartObject(ref reader, "a WebSocket API message");
        long? id = null, subscriptionId = null;
        var status = 0;
        Range result = default, error = default, @event = default, rateLimits = default;
        bool hasResult = false, hasError = false, hasEvent = false, hasRateLimits = false, hasStatus = false;
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var name = reader.ValueSpan;
            JsonReading.Next(ref reader);
            if (name.SequenceEqual("id"u8))
            {
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var numeric)) id = numeric;
                else if (reader.TokenType == JsonTokenType.String && long.TryParse(reader.GetString(), out var parsed)) id = parsed;
            }
            else if (name.SequenceEqual("status"u8))
            {
                status = reader.GetInt32();
                hasStatus = true;
            }
            else if (name.SequenceEqual("subscriptionId"u8))
            {
                subscriptionId = JsonReading.ReadInt64(ref reader, "subscriptionId");
            }
            else if (name.SequenceEqual("result"u8)) { result = Capture(ref reader); hasResult = true; }
            else if (name.SequenceEqual("error"u8)) { error = Capture(ref reader); hasError = true; }
            else if (name.SequenceEqual("event"u8)) { @event = Capture(ref reader); hasEvent = true; }
            else if (name.SequenceEqual("rateLimits"u8)) { rateLimits = Capture(ref reader); hasRateLimits = true; }
            else reader.Skip();
        }
        var kind = hasStatus ? WsFrameKind.Response
            : hasEvent && subscriptionId is not null ? WsFrameKind.SubscriptionEvent
            : hasEvent ? WsFrameKind.ConnectionEvent
            : WsFrameKind.Unknown;
        return new WsApiFrame
        {
            Kind = kind,
            Id = id,
            Status = status,
            SubscriptionId = subscriptionId,
            Result = result,
            Error = error,
            Event = @event,
            RateLimits = rateLimits,
            HasResult = hasResult,
            HasError = hasError,
            HasRateLimits = hasRateLimits,
        };
    }

    private static Range Capture(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new Range(start, (int)reader.BytesConsumed);
    }

    /// <summary>Reads <c>{code, msg, data?{retryAfter, serverTime}}</c>.</summary>
    public static (int? Code, string? Message, long? RetryAfterMs, Range Data, bool HasData) ReadError(ReadOnlySpan<byte> error)
    {
        var reader = new Utf8JsonReader(error);
        JsonReading.Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject) return (null, null, null, default, false);
        int? code = null;
        string? message = null;
        long? retryAfter = null;
        Range data = default;
        var hasData = false;
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var name = reader.ValueSpan;
            JsonReading.Next(ref reader);
            if (name.SequenceEqual("code"u8) && reader.TokenType == JsonTokenType.Number) code = reader.GetInt32();
            else if (name.SequenceEqual("msg"u8)) message = JsonReading.ReadStringOrNull(ref reader);
            else if (name.SequenceEqual("data"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                var inner = reader;
                reader.Skip();
                data = new Range(start, (int)reader.BytesConsumed);
                hasData = true;
                // Look inside for retryAfter (429/418: epoch milliseconds).
                while (inner.Read() && inner.CurrentDepth > 1)
                {
                    if (inner.TokenType == JsonTokenType.PropertyName && inner.CurrentDepth == 2 && inner.ValueSpan.SequenceEqual("retryAfter"u8))
                    {
                        inner.Read();
                        if (inner.TokenType == JsonTokenType.Number && inner.TryGetInt64(out var ms)) retryAfter = ms;
                    }
                }
            }
            else reader.Skip();
        }
        return (code, message, retryAfter, data, hasData);
    }

    /// <summary>Feeds a <c>rateLimits</c> array into the budget: venue counts and limits per window.</summary>
    public static void ObserveRateLimits(ReadOnlySpan<byte> rateLimits, BinanceRateScopes scopes, IRateBudget budget, Action<RateLimitScope, long>? weightObserved)
    {
        var reader = new Utf8JsonReader(rateLimits);
        JsonReading.Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray) return;
        while (true)
        {
            JsonReading.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            RateLimitScope? scope = null;
            string? interval = null;
            int intervalNum = 0;
            long? limit = null, count = null;
            while (true)
            {
                JsonReading.Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var name = reader.ValueSpan;
                JsonReading.Next(ref reader);
                if (name.SequenceEqual("rateLimitType"u8))
                {
                    var type = reader.ValueSpan;
                    scope = type.SequenceEqual("REQUEST_WEIGHT"u8) ? scopes.Weight
                        : type.SequenceEqual("ORDERS"u8) ? scopes.Orders
                        : type.SequenceEqual("RAW_REQUESTS"u8) ? scopes.RawRequests
                        : null;
                }
                else if (name.SequenceEqual("interval"u8)) interval = reader.GetString();
                else if (name.SequenceEqual("intervalNum"u8)) intervalNum = reader.GetInt32();
                else if (name.SequenceEqual("limit"u8)) limit = reader.GetInt64();
                else if (name.SequenceEqual("count"u8)) count = reader.GetInt64();
                else reader.Skip();
            }
            if (scope is not { } s || count is not { } used || interval is null) continue;
            if (BinanceRateScopes.ParseInterval(interval, intervalNum) is not { } window) continue;
            budget.ObserveUsage(s, window, used, limit);
            if (s.Kind == RateLimitKind.RequestWeight) weightObserved?.Invoke(s, used);
        }
    }
}
