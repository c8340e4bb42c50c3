using System.Globalization;
using System.Text.Json;

namespace Oms.Simulator.Wire;

/// <summary>
/// A Binance error as it goes on the wire: the HTTP (or WS API) status, the negative error code and the
/// exact message. <see cref="Data"/> optionally writes an <c>error.data</c> / <c>data</c> object
/// (cancel-replace partial results, WS API <c>retryAfter</c>).
/// </summary>
public sealed record ApiError(int HttpStatus, int Code, string Message)
{
    /// <summary>Writes the members of the optional <c>data</c> object (without the braces).</summary>
    public Action<Utf8JsonWriter>? Data { get; init; }

    /// <summary>Seconds for the REST <c>Retry-After</c> header (429/418 only).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Epoch-ms at which the client may retry (WS API <c>error.data.retryAfter</c>).</summary>
    public long? RetryAfterEpochMs { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{HttpStatus} {Code} {Message}");
}

/// <summary>
/// Thrown by parameter parsing and authentication helpers to abort a request with a Binance error. It is
/// caught at the operation boundary (REST endpoint / WS API dispatcher) and rendered; it never escapes
/// the wire layer.
/// </summary>
public sealed class ApiErrorException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}

/// <summary>The Binance error catalogue used by the simulator, with Binance's exact messages.</summary>
public static class ApiErrors
{
    public static ApiError Unknown(string message) => new(500, -1000, message);

    public static ApiError Disconnected() => new(503, -1001, "Internal error; unable to process your request. Please try again.");

    public static ApiError Unauthorized() => new(401, -1002, "You are not authorized to execute this request.");

    public static ApiError TooManyRequestWeight(int limit, string interval, int retryAfterSeconds, long retryAfterEpochMs) =>
        new(429, -1003, string.Create(CultureInfo.InvariantCulture,
            $"Too much request weight used; current limit is {limit} request weight per {interval}. Please use WebSocket Streams for live updates to avoid polling the API."))
        {
            RetryAfterSeconds = retryAfterSeconds,
            RetryAfterEpochMs = retryAfterEpochMs,
        };

    public static ApiError IpBanned(long bannedUntilEpochMs, int retryAfterSeconds) =>
        new(418, -1003, string.Create(CultureInfo.InvariantCulture,
            $"Way too much request weight used; IP banned until {bannedUntilEpochMs}. Please use WebSocket Streams for live updates to avoid bans."))
        {
            RetryAfterSeconds = retryAfterSeconds,
            RetryAfterEpochMs = bannedUntilEpochMs,
        };

    public static ApiError TooManyConnectionAttempts(int limit, string interval, int retryAfterSeconds, long retryAfterEpochMs) =>
        new(429, -1034, string.Create(CultureInfo.InvariantCulture, $"Too many connection attempts from IP; current limit is {limit} per '{interval}'."))
        {
            RetryAfterSeconds = retryAfterSeconds,
            RetryAfterEpochMs = retryAfterEpochMs,
        };

    public static ApiError BackendTimeout() =>
        new(503, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.");

    public static ApiError TooManyOrders(int limit, string intervalText, int retryAfterSeconds, long retryAfterEpochMs) =>
        new(429, -1015, string.Create(CultureInfo.InvariantCulture, $"Too many new orders; current limit is {limit} orders per {intervalText}."))
        {
            RetryAfterSeconds = retryAfterSeconds,
            RetryAfterEpochMs = retryAfterEpochMs,
        };

    public static ApiError TimestampOutsideRecvWindow() => new(400, -1021, "Timestamp for this request is outside of the recvWindow.");

    public static ApiError TimestampAhead() => new(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");

    public static ApiError InvalidSignature() => new(400, -1022, "Signature for this request is not valid.");

    public static ApiError IllegalChars(string parameter, string legalRange) =>
        new(400, -1100, $"Illegal characters found in parameter '{parameter}'; legal range is '{legalRange}'.");

    public static ApiError DuplicateParameter() => new(400, -1101, "Duplicate values for a parameter detected.");

    public static ApiError TooManyParameters(int expected, int received) =>
        new(400, -1101, string.Create(CultureInfo.InvariantCulture, $"Too many parameters; expected '{expected}' and received '{received}'."));

    public static ApiError MandatoryParameter(string parameter) =>
        new(400, -1102, $"Mandatory parameter '{parameter}' was not sent, was empty/null, or malformed.");

    public static ApiError EitherParameter(string first, string second) =>
        new(400, -1102, $"Param '{first}' or '{second}' must be sent, but both were empty/null!");

    public static ApiError UnknownParameter() => new(400, -1103, "An unknown parameter was sent.");

    public static ApiError UnreadParameters(int read, int sent) =>
        new(400, -1104, string.Create(CultureInfo.InvariantCulture, $"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'."));

    public static ApiError EmptyParameter(string parameter) => new(400, -1105, $"Parameter '{parameter}' was empty.");

    public static ApiError ParameterNotRequired(string parameter) => new(400, -1106, $"Parameter '{parameter}' sent when not required.");

    public static ApiError TooMuchPrecision(string parameter) => new(400, -1111, $"Parameter '{parameter}' has too much precision.");

    public static ApiError FuturesTooMuchPrecision() => new(400, -1111, "Precision is over the maximum defined for this asset.");

    public static ApiError InvalidTimeInForce() => new(400, -1115, "Invalid timeInForce.");

    public static ApiError InvalidOrderType() => new(400, -1116, "Invalid orderType.");

    public static ApiError InvalidSide() => new(400, -1117, "Invalid side.");

    public static ApiError EmptyNewClientOrderId() => new(400, -1118, "New client order ID was empty.");

    public static ApiError EmptyOrigClientOrderId() => new(400, -1119, "Original client order ID was empty.");

    public static ApiError InvalidSymbol() => new(400, -1121, "Invalid symbol.");

    public static ApiError InvalidListenKey() => new(400, -1125, "This listenKey does not exist.");

    public static ApiError InvalidParameterData(string parameter) => new(400, -1130, $"Data sent for parameter '{parameter}' is not valid.");

    public static ApiError BadRecvWindow() => new(400, -1131, "recvWindow must be less than 60000");

    public static ApiError InvalidJson(string parameter) => new(400, -1135, $"JSON sent for parameter '{parameter}' is not valid");

    public static ApiError InvalidJsonRequest() => new(400, -1135, "Invalid JSON Request");

    public static ApiError InvalidNewOrderRespType() => new(400, -1136, "Invalid newOrderRespType.");

    public static ApiError InvalidCancelRestrictions() => new(400, -1145, "Invalid cancelRestrictions");

    public static ApiError DuplicateSymbols() => new(400, -1151, "Symbol is present multiple times in the list.");

    public static ApiError ApiKeyFormatInvalid() => new(401, -2014, "API-key format invalid.");

    public static ApiError InvalidApiKey() => new(401, -2015, "Invalid API-key, IP, or permissions for action.");

    public static ApiError NoSuchOrder() => new(400, -2013, "Order does not exist.");

    public static ApiError SubscriptionActive() => new(400, -2035, "User Data Stream subscription already active.");

    public static ApiError SubscriptionInactive() => new(400, -2036, "User Data Stream subscription not active.");

    public static ApiError MaximumSubscriptionIds() => new(400, -2042, "Maximum subscription ID reached for this connection.");

    public static ApiError UnsupportedOperation() => new(400, -1020, "This operation is not supported.");

    public static ApiError ServiceUnavailable() => new(503, -1001, "Service Unavailable.");

    public static ApiError ServerUnknownError() => new(503, -1000, "Unknown error, please check your request or try again later.");
}
