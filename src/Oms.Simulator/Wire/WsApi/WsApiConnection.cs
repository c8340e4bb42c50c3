using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Auth;
using Oms.Simulator.Wire.Faults;
using Oms.Simulator.Wire.Json;
using Oms.Simulator.Wire.Operations;
using Oms.Simulator.Wire.RateLimits;
using Oms.Simulator.Wire.UserData;
using Oms.Simulator.Wire.WebSockets;

namespace Oms.Simulator.Wire.WsApi;

/// <summary>
/// One WebSocket API connection (spot <c>/ws-api/v3</c> or USDⓈ-M <c>/ws-fapi/v1</c>): request/response envelopes
/// <c>{id, status, result|error, rateLimits}</c>, Ed25519 session logon, and (spot) user-data subscriptions whose
/// events arrive as <c>{subscriptionId, event}</c>.
/// </summary>
public sealed class WsApiConnection : WsConnection
{
    private const int MaxActiveSubscriptions = 1000;
    private const int MaxSubscriptionIdsPerConnection = 65535;

    private readonly SimulatorRuntime runtime;
    private readonly Venue venue;
    private readonly OperationCatalog catalog;
    private readonly bool returnRateLimitsDefault;
    private readonly object gate = new();
    private readonly Dictionary<int, Subscription> subscriptions = [];
    private readonly List<byte[]> deferredEvents = [];
    private bool deferEvents;
    private int nextSubscriptionId;
    private ApiCredential? session;
    private long? authorizedSince;

    public WsApiConnection(SimulatorRuntime runtime, MarketKind market, string remoteIp, bool returnRateLimits, ILogger logger)
        : base(market == MarketKind.Spot ? WsConnectionKind.SpotWsApi : WsConnectionKind.FuturesWsApi, remoteIp, runtime.Clock, logger)
    {
        this.runtime = runtime;
        venue = runtime.Venue(market);
        catalog = runtime.Catalog(market);
        returnRateLimitsDefault = returnRateLimits;
    }

    /// <summary>The key of the logged-on session, if any.</summary>
    public ApiCredential? Session
    {
        get
        {
            lock (gate)
            {
                return session;
            }
        }
    }

    public override IReadOnlyCollection<string> AccountIds
    {
        get
        {
            lock (gate)
            {
                var ids = subscriptions.Values.Select(s => s.AccountId).ToHashSet(StringComparer.Ordinal);
                if (session is not null)
                {
                    ids.Add(session.AccountId);
                }

                return ids;
            }
        }
    }

    public override void SendServerShutdown(long eventTime) =>
        TrySend(JsonFrames.WrapEvent(JsonFrames.Render(w => MarketJson.WriteServerShutdown(w, eventTime))));

    /// <summary>The API key behind the session was revoked: answer 401 with id null and forget the session (Binance behaviour).</summary>
    public void RevokeKey(string apiKey)
    {
        bool revoked;
        lock (gate)
        {
            revoked = session is not null && session.ApiKey == apiKey;
            if (revoked)
            {
                session = null;
                authorizedSince = null;
            }
        }

        if (revoked)
        {
            TrySend(JsonFrames.Render(w =>
            {
                w.WriteStartObject();
                w.WriteNull("id");
                w.WriteNumber("status", 401);
                WriteError(w, ApiErrors.InvalidApiKey(), NowMs);
                w.WriteEndObject();
            }));
        }

        EndSubscriptions(s => s.ApiKey == apiKey);
    }

    protected override ValueTask OnClosedAsync()
    {
        lock (gate)
        {
            foreach (var subscription in subscriptions.Values)
            {
                subscription.Registration.Dispose();
            }

            subscriptions.Clear();
        }

        return ValueTask.CompletedTask;
    }

    protected override async ValueTask OnTextAsync(ReadOnlyMemory<byte> message)
    {
        string idRaw = "null";
        string method;
        RequestParameters parameters;
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ApiErrorException(ApiErrors.InvalidJsonRequest());
            }

            if (root.TryGetProperty("id", out var id))
            {
                idRaw = id.ValueKind is JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null
                    ? id.GetRawText()
                    : throw new ApiErrorException(ApiErrors.InvalidJsonRequest());
            }

            if (!root.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
            {
                throw new ApiErrorException(ApiErrors.MandatoryParameter("method"));
            }

            method = methodElement.GetString()!;
            parameters = root.TryGetProperty("params", out var p) && p.ValueKind != JsonValueKind.Null
                ? RequestParameters.FromJson(p)
                : RequestParameters.Empty();
        }
        catch (JsonException)
        {
            SendResponse(idRaw, ApiErrors.InvalidJsonRequest(), null, null, returnRateLimits: false);
            return;
        }
        catch (ApiErrorException ex)
        {
            SendResponse(idRaw, ex.Error, null, null, returnRateLimits: false);
            return;
        }

        var returnRateLimits = returnRateLimitsDefault;
        try
        {
            returnRateLimits = parameters.GetBool("returnRateLimits") ?? returnRateLimitsDefault;
        }
        catch (ApiErrorException ex)
        {
            SendResponse(idRaw, ex.Error, null, null, returnRateLimits);
            return;
        }

        var operation = ResolveOperation(method);
        if (operation is null)
        {
            SendResponse(idRaw, ApiErrors.UnsupportedOperation(), null, null, returnRateLimits);
            return;
        }

        var faultAccount = FaultAccount(parameters);
        var before = runtime.Faults.Match(venue.Market, Transport.WsApi, "WS", method, faultAccount, beforeExecution: true);
        if (before is not null)
        {
            if (before.Action == FaultAction.Error)
            {
                SendResponse(idRaw, before.ToError(), null, null, returnRateLimits);
            }

            return;
        }

        // User-data events raised while this request executes are sent after its response, as Binance does.
        lock (gate)
        {
            deferEvents = true;
        }

        try
        {
            await ExecuteAsync(idRaw, method, operation, parameters, faultAccount, returnRateLimits).ConfigureAwait(false);
        }
        finally
        {
            FlushDeferredEvents();
        }
    }

    private async Task ExecuteAsync(string idRaw, string method, Operation operation, RequestParameters parameters, string? faultAccount, bool returnRateLimits)
    {
        ExecutionOutcome outcome;
        try
        {
            var auth = new AuthInput { SignedPayload = parameters.SortedPayload, SessionCredential = Session };
            outcome = venue.Execute(operation, parameters, auth, Transport.WsApi, RemoteIp, this, method);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "WS API {Method} failed unexpectedly on connection {Id}", method, Id);
            SendResponse(idRaw, ApiErrors.Unknown("An unknown error occurred while processing the request."), null, null, returnRateLimits);
            return;
        }

        var after = runtime.Faults.Match(venue.Market, Transport.WsApi, "WS", method, outcome.Credential?.AccountId ?? faultAccount, beforeExecution: false);
        if (after is not null)
        {
            switch (after.Action)
            {
                case FaultAction.Delay:
                    await Task.Delay(TimeSpan.FromMilliseconds(after.DelayMs), runtime.Clock, Closing).ConfigureAwait(false);
                    break;
                case FaultAction.BlackHole:
                    return;
                case FaultAction.Error:
                    SendResponse(idRaw, after.ToError(), outcome.WeightUsage, outcome.OrderUsage, returnRateLimits);
                    return;
            }
        }

        SendResponse(idRaw, outcome.Result, outcome.WeightUsage, outcome.OrderUsage, returnRateLimits);
        AfterResponse?.Invoke();
        AfterResponse = null;
    }

    /// <summary>Queues a user-data frame, holding it while a request on this connection is being answered.</summary>
    private void DeliverUserData(byte[] frame)
    {
        lock (gate)
        {
            if (deferEvents)
            {
                deferredEvents.Add(frame);
                return;
            }
        }

        TrySend(frame);
    }

    private void FlushDeferredEvents()
    {
        byte[][] pending;
        lock (gate)
        {
            deferEvents = false;
            pending = deferredEvents.ToArray();
            deferredEvents.Clear();
        }

        foreach (var frame in pending)
        {
            TrySend(frame);
        }
    }

    /// <summary>Work queued by a handler to run once its response is on the wire (eventStreamTerminated after unsubscribe).</summary>
    private Action? AfterResponse { get; set; }

    private string? FaultAccount(RequestParameters parameters)
    {
        if (parameters.Has("apiKey") && runtime.Keys.TryGet(parameters.Raw("apiKey")!, out var credential))
        {
            return credential.AccountId;
        }

        return Session?.AccountId;
    }

    private Operation? ResolveOperation(string method)
    {
        if (catalog.Ws.TryGetValue(method, out var exact))
        {
            return exact;
        }

        var name = method;
        var slash = method.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && method[0] == 'v')
        {
            name = method[(slash + 1)..];
        }

        return name switch
        {
            "session.logon" => Logon,
            "session.status" => Status,
            "session.logout" => Logout,
            "userDataStream.subscribe" when venue.IsSpot => Subscribe,
            "userDataStream.subscribe.signature" when venue.IsSpot => SubscribeSignature,
            "userDataStream.unsubscribe" when venue.IsSpot => Unsubscribe,
            "session.subscriptions" when venue.IsSpot => Subscriptions,
            _ => catalog.TryGetMethod(name, out var operation) ? operation : null,
        };
    }

    private void SendResponse(string idRaw, OperationResult result, IReadOnlyList<RateLimitUsage>? weight, IReadOnlyList<RateLimitUsage>? orders, bool returnRateLimits)
    {
        var now = NowMs;
        TrySend(JsonFrames.Render(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            w.WriteRawValue(idRaw);
            if (result.Error is { } error)
            {
                w.WriteNumber("status", error.HttpStatus);
                WriteError(w, error, now);
            }
            else
            {
                w.WriteNumber("status", 200);
                w.WritePropertyName("result");
                result.Body!(w);
            }

            if (returnRateLimits && weight is not null)
            {
                w.WriteStartArray("rateLimits");
                if (venue.IsSpot)
                {
                    WriteUsage(w, orders);
                    WriteUsage(w, weight);
                }
                else
                {
                    WriteUsage(w, weight);
                    WriteUsage(w, orders);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }));
    }

    private static void WriteError(Utf8JsonWriter w, ApiError error, long now)
    {
        w.WriteStartObject("error");
        w.WriteNumber("code", error.Code);
        w.WriteString("msg", error.Message);
        if (error.Data is { } data)
        {
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
        }
        else if (error.RetryAfterEpochMs is { } retryAfter && error.HttpStatus is 429 or 418)
        {
            w.WriteStartObject("data");
            w.WriteNumber("serverTime", now);
            w.WriteNumber("retryAfter", retryAfter);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, IReadOnlyList<RateLimitUsage>? usage)
    {
        if (usage is null)
        {
            return;
        }

        foreach (var u in usage)
        {
            MarketJson.WriteRateLimit(w, u.Rule, u.Count);
        }
    }

    // ------------------------------------------------------------------ session methods

    private Operation Logon => new("session.logon", Security.None, Operation.Fixed(2), ctx =>
    {
        var credential = AuthenticateExplicitly(ctx);
        if (credential.Type != ApiKeyType.Ed25519)
        {
            // Binance verifies logon signatures as Ed25519 only; an HMAC key cannot produce a valid one.
            return ApiErrors.InvalidSignature();
        }

        lock (gate)
        {
            session = credential;
            authorizedSince = ctx.NowMs;
        }

        return SessionResult(ctx.NowMs);
    });

    private Operation Status => new("session.status", Security.None, Operation.Fixed(2), ctx =>
    {
        ctx.Params.EnsureAllRead();
        return SessionResult(ctx.NowMs);
    });

    private Operation Logout => new("session.logout", Security.None, Operation.Fixed(2), ctx =>
    {
        ctx.Params.EnsureAllRead();
        string? apiKey;
        lock (gate)
        {
            apiKey = session?.ApiKey;
            session = null;
            authorizedSince = null;
        }

        if (apiKey is not null)
        {
            var ended = TakeSubscriptions(s => s.ViaLogon);
            AfterResponse = () => SendTerminated(ended);
        }

        return SessionResult(ctx.NowMs);
    });

    private Operation Subscribe => new("userDataStream.subscribe", Security.None, Operation.Fixed(2), ctx =>
    {
        ctx.Params.EnsureAllRead();
        var credential = Session;
        if (credential is null)
        {
            return new ApiError(401, -1002, "You are not authorized to execute this request.");
        }

        return AddSubscription(credential, viaLogon: true);
    });

    private Operation SubscribeSignature => new("userDataStream.subscribe.signature", Security.None, Operation.Fixed(2), ctx =>
    {
        var credential = AuthenticateExplicitly(ctx);
        return AddSubscription(credential, viaLogon: false);
    });

    private Operation Unsubscribe => new("userDataStream.unsubscribe", Security.None, Operation.Fixed(2), ctx =>
    {
        var id = ctx.Params.GetInt("subscriptionId");
        ctx.Params.EnsureAllRead();
        List<Subscription> ended;
        if (id is { } one)
        {
            lock (gate)
            {
                if (!subscriptions.ContainsKey(one))
                {
                    return ApiErrors.SubscriptionInactive();
                }
            }

            ended = TakeSubscriptions(s => s.Id == one);
        }
        else
        {
            ended = TakeSubscriptions(_ => true);
        }

        AfterResponse = () => SendTerminated(ended);
        return OperationResult.EmptyObject;
    });

    private Operation Subscriptions => new("session.subscriptions", Security.None, Operation.Fixed(2), ctx =>
    {
        ctx.Params.EnsureAllRead();
        int[] ids;
        lock (gate)
        {
            ids = subscriptions.Keys.Order().ToArray();
        }

        return OperationResult.Ok(w =>
        {
            w.WriteStartArray();
            foreach (var id in ids)
            {
                w.WriteStartObject();
                w.WriteNumber("subscriptionId", id);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    });

    /// <summary>apiKey + timestamp + signature (+ recvWindow) checked like any signed request, without using the session.</summary>
    private ApiCredential AuthenticateExplicitly(OperationContext ctx)
    {
        var signed = new Operation("auth", Security.Signed, Operation.Fixed(0), static c =>
        {
            c.Params.EnsureAllRead();
            return OperationResult.EmptyObject;
        });
        var auth = new AuthInput { SignedPayload = ctx.Params.SortedPayload };
        var outcome = venue.Execute(signed, ctx.Params, auth, Transport.WsApi, RemoteIp);
        if (outcome.Result.Error is { } error)
        {
            throw new ApiErrorException(error);
        }

        return outcome.Credential!;
    }

    private OperationResult SessionResult(long now)
    {
        ApiCredential? current;
        long? since;
        bool active;
        lock (gate)
        {
            current = session;
            since = authorizedSince;
            active = subscriptions.Count > 0;
        }

        var spot = venue.IsSpot;
        var connectedSince = ConnectedSince;
        var returnRateLimits = returnRateLimitsDefault;
        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            if (current is null)
            {
                w.WriteNull("apiKey");
            }
            else
            {
                w.WriteString("apiKey", current.ApiKey);
            }

            w.WriteNullableNumber("authorizedSince", since);
            w.WriteNumber("connectedSince", connectedSince);
            w.WriteBoolean("returnRateLimits", returnRateLimits);
            w.WriteNumber("serverTime", now);
            if (spot)
            {
                w.WriteBoolean("userDataStream", active);
            }

            w.WriteEndObject();
        });
    }

    private OperationResult AddSubscription(ApiCredential credential, bool viaLogon)
    {
        int id;
        lock (gate)
        {
            if (subscriptions.Values.Any(s => s.AccountId == credential.AccountId))
            {
                return ApiErrors.SubscriptionActive();
            }

            if (subscriptions.Count >= MaxActiveSubscriptions || nextSubscriptionId >= MaxSubscriptionIdsPerConnection)
            {
                return ApiErrors.MaximumSubscriptionIds();
            }

            id = nextSubscriptionId++;
            var sink = new SubscriptionSink(this, id, credential.AccountId);
            subscriptions[id] = new Subscription(id, credential.AccountId, credential.ApiKey, viaLogon, runtime.UserData.Register(sink));
        }

        return OperationResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("subscriptionId", id);
            w.WriteEndObject();
        });
    }

    private List<Subscription> TakeSubscriptions(Func<Subscription, bool> predicate)
    {
        lock (gate)
        {
            var ended = subscriptions.Values.Where(predicate).ToList();
            foreach (var subscription in ended)
            {
                subscriptions.Remove(subscription.Id);
                subscription.Registration.Dispose();
            }

            return ended;
        }
    }

    private void EndSubscriptions(Func<Subscription, bool> predicate) => SendTerminated(TakeSubscriptions(predicate));

    private void SendTerminated(IEnumerable<Subscription> ended)
    {
        foreach (var subscription in ended)
        {
            var now = NowMs;
            TrySend(JsonFrames.WrapSubscription(subscription.Id, JsonFrames.Render(w =>
            {
                w.WriteStartObject();
                w.WriteString("e", "eventStreamTerminated");
                w.WriteNumber("E", now);
                w.WriteEndObject();
            })));
        }
    }

    private sealed record Subscription(int Id, string AccountId, string ApiKey, bool ViaLogon, IDisposable Registration);

    private sealed class SubscriptionSink(WsApiConnection connection, int id, string accountId) : IUserDataSink
    {
        public string AccountId { get; } = accountId;

        public MarketKind Market => MarketKind.Spot;

        public void Deliver(ReadOnlyMemory<byte> payload, string eventType) =>
            connection.DeliverUserData(JsonFrames.WrapSubscription(id, payload.Span));
    }
}
