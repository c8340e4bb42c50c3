using System.Text.Json;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Auth;
using Oms.Simulator.Wire.Json;

namespace Oms.Simulator.Wire.Operations;

/// <summary>Binance endpoint security type.</summary>
public enum Security
{
    /// <summary>Public.</summary>
    None,

    /// <summary>USER_STREAM / MARKET_DATA: API key only, no signature.</summary>
    ApiKey,

    /// <summary>TRADE / USER_DATA: API key, timestamp and signature.</summary>
    Signed,
}

/// <summary>How a request arrived.</summary>
public enum Transport
{
    Rest,
    WsApi,
}

/// <summary>Handles one parsed request. Expected failures are returned (or thrown as <see cref="ApiErrorException"/> while parsing).</summary>
public delegate OperationResult OperationHandler(OperationContext context);

/// <summary>
/// One Binance operation, shared by its REST endpoint and its WS API method: security, request weight
/// (which may depend on parameters), how many orders it counts, and the handler.
/// </summary>
public sealed record Operation(string Name, Security Security, Func<RequestParameters, int> Weight, OperationHandler Handler)
{
    /// <summary>New orders counted against ORDERS limits (0 for non-order operations).</summary>
    public Func<RequestParameters, int> OrderCount { get; init; } = static _ => 0;

    /// <summary>Spot since 2026-04-02: a successful placement/cancel costs 0 weight (the charge is refunded).</summary>
    public bool FreeWhenSuccessful { get; init; }

    /// <summary>Recorded in the admin request log (every order entry, cancel and amend).</summary>
    public bool IsOrderRequest { get; init; }

    /// <summary>Fixed weight helper.</summary>
    public static Func<RequestParameters, int> Fixed(int weight) => _ => weight;
}

/// <summary>Everything a handler needs about the request being served.</summary>
public sealed class OperationContext
{
    public required Venue Venue { get; init; }

    public required RequestParameters Params { get; init; }

    public required string ClientIp { get; init; }

    public required Transport Transport { get; init; }

    public required long NowMs { get; init; }

    /// <summary>The authenticated key (null for public operations).</summary>
    public ApiCredential? Credential { get; set; }

    /// <summary>The WS API connection the request came on (null for REST).</summary>
    public WsApi.WsApiConnection? Connection { get; init; }

    /// <summary>Order-limit usage a handler measured itself (cancel-replace checks the ORDERS limit in the handler).</summary>
    public IReadOnlyList<RateLimits.RateLimitUsage>? OrderUsage { get; set; }

    /// <summary>The account of the authenticated key.</summary>
    public string AccountId => Credential?.AccountId ?? throw new InvalidOperationException("operation has no authenticated account");

    public SimExchange Exchange => Venue.Exchange;
}

/// <summary>Outcome of an operation: a body writer (success) or an error.</summary>
public readonly record struct OperationResult
{
    private OperationResult(Action<Utf8JsonWriter>? body, ApiError? error)
    {
        Body = body;
        Error = error;
    }

    /// <summary>Writes the JSON value of the body / WS <c>result</c>.</summary>
    public Action<Utf8JsonWriter>? Body { get; }

    public ApiError? Error { get; }

    public bool IsSuccess => Error is null;

    public static OperationResult Ok(Action<Utf8JsonWriter> body) => new(body, null);

    /// <summary>A JSON array body, each element written by <paramref name="writeItem"/>.</summary>
    public static OperationResult OkArray<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem) => new(w => w.WriteArray(items, writeItem), null);

    public static OperationResult Fail(ApiError error) => new(null, error);

    /// <summary><c>{}</c>.</summary>
    public static OperationResult EmptyObject { get; } = new(static w =>
    {
        w.WriteStartObject();
        w.WriteEndObject();
    }, null);

    /// <summary><c>[]</c>.</summary>
    public static OperationResult EmptyArray { get; } = new(static w =>
    {
        w.WriteStartArray();
        w.WriteEndArray();
    }, null);

    public static implicit operator OperationResult(ApiError error) => Fail(error);
}
