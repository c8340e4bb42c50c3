using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Futures;
using Oms.Simulator.Wire.Json;
using Oms.Simulator.Wire.UserData;
using Oms.Simulator.Wire.WebSockets;

namespace Oms.Simulator.Wire.Streams;

/// <summary>
/// A market-data or user-data stream connection: spot <c>/ws/…</c> and <c>/stream?streams=…</c>, futures routed
/// <c>/public</c>, <c>/market</c> and <c>/private</c> (listenKeys). Handles SUBSCRIBE / UNSUBSCRIBE /
/// LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY, raw or combined framing, and listenKey expiry.
/// </summary>
public sealed class StreamConnection : WsConnection
{
    private const int MaxStreams = 1024;

    private readonly SimulatorRuntime runtime;
    private readonly object gate = new();
    private readonly Dictionary<string, StreamName> streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> partialDepthSent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ListenKeySubscription> listenKeys = new(StringComparer.Ordinal);
    private bool combined;

    public StreamConnection(SimulatorRuntime runtime, MarketKind market, StreamRoute route, bool combined, string remoteIp, ILogger logger)
        : base(KindFor(market, route), remoteIp, runtime.Clock, logger)
    {
        this.runtime = runtime;
        Market = market;
        Route = route;
        this.combined = combined;
        MaxIncomingMessagesPerSecond = market == MarketKind.Spot ? runtime.Options.SpotStreamMessagesPerSecond : runtime.Options.FuturesStreamMessagesPerSecond;
    }

    public MarketKind Market { get; }

    public StreamRoute Route { get; }

    public override IReadOnlyCollection<string> AccountIds
    {
        get
        {
            lock (gate)
            {
                return listenKeys.Values.Select(s => s.Sink.AccountId).Distinct(StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>Adds market streams named in the URL; returns the names that are not valid on this route.</summary>
    public IReadOnlyList<string> AddStreams(IEnumerable<string> names)
    {
        List<string> invalid = [];
        lock (gate)
        {
            foreach (var name in names.Where(n => n.Length > 0))
            {
                var parsed = StreamName.TryParse(name, Route, s => runtime.Exchange.IsSymbol(Market, s));
                if (parsed is null || streams.Count >= MaxStreams)
                {
                    invalid.Add(name);
                    continue;
                }

                if (streams.TryAdd(name, parsed) && parsed.Kind == StreamKind.PartialDepth)
                {
                    partialDepthSent[name] = -1;
                }
            }
        }

        return invalid;
    }

    /// <summary>Attaches a listenKey (private route); returns false when the key is unknown or expired.</summary>
    public bool AddListenKey(string listenKey, IReadOnlyCollection<string>? events)
    {
        if (!runtime.ListenKeys.TryResolve(listenKey, out var accountId))
        {
            return false;
        }

        lock (gate)
        {
            if (listenKeys.ContainsKey(listenKey))
            {
                return true;
            }

            var sink = new ListenKeySink(this, listenKey, accountId, events);
            listenKeys[listenKey] = new ListenKeySubscription(sink, runtime.UserData.Register(sink));
        }

        return true;
    }

    /// <summary>A listenKey expired or was closed: tell the client (<c>listenKeyExpired</c>) and stop its events.</summary>
    public void OnListenKeyExpired(string listenKey)
    {
        ListenKeySubscription? subscription;
        lock (gate)
        {
            if (!listenKeys.Remove(listenKey, out subscription))
            {
                return;
            }
        }

        subscription.Registration.Dispose();
        var now = NowMs;
        SendStream(listenKey, JsonFrames.Render(w => FuturesJson.WriteListenKeyExpired(w, now, listenKey)));
    }

    /// <summary>A listenKey given in the URL is unknown or expired: the client gets <c>listenKeyExpired</c> for it.</summary>
    public void OnListenKeyUnknown(string listenKey)
    {
        var now = NowMs;
        SendStream(listenKey, JsonFrames.Render(w => FuturesJson.WriteListenKeyExpired(w, now, listenKey)));
    }

    public override void SendServerShutdown(long eventTime)
    {
        var payload = JsonFrames.Render(w => MarketJson.WriteServerShutdown(w, eventTime));
        bool isCombined;
        lock (gate)
        {
            isCombined = combined;
        }

        TrySend(isCombined ? JsonFrames.WrapCombined("!serverShutdown", payload) : payload);
    }

    /// <summary>Sends one payload for a stream in this connection's framing.</summary>
    public void SendStream(string stream, byte[] payload)
    {
        bool isCombined;
        lock (gate)
        {
            isCombined = combined;
        }

        TrySend(isCombined ? JsonFrames.WrapCombined(stream, payload) : payload);
    }

    /// <summary>Streams carrying events of this kind and symbol.</summary>
    public IReadOnlyList<StreamName> MatchingStreams(StreamKind kind, string symbol)
    {
        lock (gate)
        {
            if (streams.Count == 0)
            {
                return [];
            }

            return streams.Values.Where(s => s.Matches(kind, symbol)
                || (kind == StreamKind.BookTicker && s.Kind == StreamKind.AllBookTickers)
                || (kind == StreamKind.MarkPrice && s.Kind == StreamKind.AllMarkPrices)).ToList();
        }
    }

    /// <summary>Partial-depth streams with the book update id last sent on each (-1 = never).</summary>
    public IReadOnlyList<(StreamName Stream, long LastSent)> PartialDepthStreams()
    {
        lock (gate)
        {
            return partialDepthSent.Select(kv => (streams[kv.Key], kv.Value)).ToList();
        }
    }

    public void MarkPartialDepthSent(string stream, long updateId)
    {
        lock (gate)
        {
            if (partialDepthSent.ContainsKey(stream))
            {
                partialDepthSent[stream] = updateId;
            }
        }
    }

    /// <summary>Starts receiving market events (called before the socket is accepted; frames queue until it is).</summary>
    public void Activate() => runtime.MarketStreams.Register(this);

    protected override ValueTask OnClosedAsync()
    {
        runtime.MarketStreams.Unregister(this);
        lock (gate)
        {
            foreach (var subscription in listenKeys.Values)
            {
                subscription.Registration.Dispose();
            }

            listenKeys.Clear();
        }

        return ValueTask.CompletedTask;
    }

    protected override ValueTask OnTextAsync(ReadOnlyMemory<byte> message)
    {
        string idRaw = "null";
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Reply(idRaw, error: (3, "Invalid JSON: expected an object"));
                return ValueTask.CompletedTask;
            }

            if (root.TryGetProperty("id", out var id))
            {
                if (id.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null)
                    || (id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 36)
                    || (id.ValueKind == JsonValueKind.Number && !id.TryGetInt64(out _)))
                {
                    Reply("null", error: (2, "Invalid request: request ID must be an unsigned integer or a string of at most 36 characters"));
                    return ValueTask.CompletedTask;
                }

                idRaw = id.GetRawText();
            }

            if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
            {
                Reply(idRaw, error: (2, "Invalid request: missing field `method`"));
                return ValueTask.CompletedTask;
            }

            var parameters = root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList()
                : [];
            Handle(idRaw, method.GetString()!, parameters, root.TryGetProperty("params", out var raw) ? raw : default);
        }
        catch (JsonException ex)
        {
            Reply(idRaw, error: (3, "Invalid JSON: " + ex.Message));
        }

        return ValueTask.CompletedTask;
    }

    private void Handle(string idRaw, string method, List<string> parameters, JsonElement rawParams)
    {
        switch (method)
        {
            case "SUBSCRIBE":
                if (Route == StreamRoute.Private)
                {
                    var unknown = parameters.Where(k => !AddListenKey(k, null)).ToList();
                    if (unknown.Count > 0)
                    {
                        Reply(idRaw, error: (2, $"Invalid request: invalid listenKey '{unknown[0]}'"));
                        return;
                    }

                    Reply(idRaw, result: static w => w.WriteNullValue());
                    return;
                }

                var invalid = AddStreams(parameters);
                if (invalid.Count > 0)
                {
                    Reply(idRaw, error: (2, $"Invalid request: invalid stream name '{invalid[0]}' for this endpoint"));
                    return;
                }

                Reply(idRaw, result: static w => w.WriteNullValue());
                return;
            case "UNSUBSCRIBE":
                lock (gate)
                {
                    foreach (var name in parameters)
                    {
                        streams.Remove(name);
                        partialDepthSent.Remove(name);
                        if (listenKeys.Remove(name, out var subscription))
                        {
                            subscription.Registration.Dispose();
                        }
                    }
                }

                Reply(idRaw, result: static w => w.WriteNullValue());
                return;
            case "LIST_SUBSCRIPTIONS":
                List<string> names;
                lock (gate)
                {
                    names = streams.Keys.Concat(listenKeys.Keys).ToList();
                }

                Reply(idRaw, result: w =>
                {
                    w.WriteStartArray();
                    foreach (var name in names)
                    {
                        w.WriteStringValue(name);
                    }

                    w.WriteEndArray();
                });
                return;
            case "SET_PROPERTY":
                if (rawParams.ValueKind == JsonValueKind.Array && rawParams.GetArrayLength() == 2
                    && rawParams[0].ValueKind == JsonValueKind.String && rawParams[0].GetString() == "combined")
                {
                    if (rawParams[1].ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        Reply(idRaw, error: (1, "Invalid value type: expected Boolean"));
                        return;
                    }

                    lock (gate)
                    {
                        combined = rawParams[1].GetBoolean();
                    }

                    Reply(idRaw, result: static w => w.WriteNullValue());
                    return;
                }

                Reply(idRaw, error: (0, "Unknown property"));
                return;
            case "GET_PROPERTY":
                if (parameters is ["combined"])
                {
                    bool value;
                    lock (gate)
                    {
                        value = combined;
                    }

                    Reply(idRaw, result: w => w.WriteBooleanValue(value));
                    return;
                }

                Reply(idRaw, error: (0, "Unknown property"));
                return;
            default:
                Reply(idRaw, error: (2, $"Invalid request: unknown variant `{method}`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`"));
                return;
        }
    }

    private void Reply(string idRaw, Action<Utf8JsonWriter>? result = null, (int Code, string Msg)? error = null) =>
        TrySend(JsonFrames.Render(w =>
        {
            w.WriteStartObject();
            if (error is { } e)
            {
                w.WriteStartObject("error");
                w.WriteNumber("code", e.Code);
                w.WriteString("msg", e.Msg);
                w.WriteEndObject();
            }
            else
            {
                w.WritePropertyName("result");
                result!(w);
            }

            w.WritePropertyName("id");
            w.WriteRawValue(idRaw);
            w.WriteEndObject();
        }));

    private static WsConnectionKind KindFor(MarketKind market, StreamRoute route) => (market, route) switch
    {
        (MarketKind.Spot, _) => WsConnectionKind.SpotMarketStream,
        (_, StreamRoute.Public) => WsConnectionKind.FuturesPublicStream,
        (_, StreamRoute.Private) => WsConnectionKind.FuturesPrivateStream,
        _ => WsConnectionKind.FuturesMarketStream,
    };

    private sealed record ListenKeySubscription(ListenKeySink Sink, IDisposable Registration);

    private sealed class ListenKeySink(StreamConnection connection, string listenKey, string accountId, IReadOnlyCollection<string>? events) : IUserDataSink
    {
        public string AccountId { get; } = accountId;

        public MarketKind Market => MarketKind.UsdM;

        public void Deliver(ReadOnlyMemory<byte> payload, string eventType)
        {
            if (events is null || events.Count == 0 || events.Contains(eventType, StringComparer.Ordinal))
            {
                connection.SendStream(listenKey, payload.ToArray());
            }
        }
    }
}
