using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Internal;
using Oms.Connectors.Binance.Parsing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Http;

/// <summary>Whether a REST call is signed.</summary>
internal enum RestSecurity
{
    /// <summary>Public: no key, no signature.</summary>
    None = 0,
    /// <summary><c>TRADE</c> / <c>USER_DATA</c>: API key header, <c>timestamp</c>, <c>recvWindow</c> and <c>signature</c>.</summary>
    Signed = 1,
    /// <summary><c>USER_STREAM</c> / <c>MARKET_DATA</c>: API key header only, no signature.</summary>
    ApiKey = 2,
}

/// <summary>One REST call: what to send, what it costs, and how to describe it in errors and metrics.</summary>
internal sealed record RestCall(
    HttpMethod Method,
    string Path,
    BinanceParameters Parameters,
    RestSecurity Security,
    EndpointCost Cost,
    RatePriority Priority,
    string MetricName,
    string Operation,
    bool ReadOnly);

/// <summary>Parses the body of a 4xx response whose <c>data</c> still describes a result (cancel-replace -2021/-2022).</summary>
internal delegate T? ErrorDataParser<T>(int code, string message, JsonElement data);

/// <summary>
/// The REST core shared by spot (<c>/api/v3</c>) and USD-M (<c>/fapi</c>): draws rate budget before anything is sent,
/// signs exactly the bytes sent, keeps the server clock in sync, reads usage headers into the budget, freezes the
/// budget on 429/418, and maps every failure to a <see cref="BinanceError"/>. Never throws for venue or transport
/// failures; only caller cancellation propagates.
/// </summary>
internal sealed class BinanceRestTransport
{
    private static readonly TimeSpan DefaultRateLimitFreeze = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DefaultBanFreeze = TimeSpan.FromMinutes(2);

    private readonly HttpClient _http;
    private readonly BinanceApiContext _context;
    private readonly BinanceCredentials? _credentials;
    private readonly BinanceRateScopes _scopes;
    private readonly RateBudgetGate _gate;
    private readonly Uri _baseAddress;
    private readonly string _timePath;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _syncGate = new(1, 1);

    public BinanceRestTransport(HttpClient http, BinanceApiContext context, Uri baseAddress, string timePath, BinanceCredentials? credentials, string? account)
    {
        _http = http;
        _context = context;
        _credentials = credentials;
        _scopes = context.ScopesFor(account);
        _gate = new RateBudgetGate(context.Budget, context.Time, context.Options.MaxRateBudgetWait);
        _baseAddress = baseAddress;
        _timePath = timePath;
        _logger = context.LoggerFactory.CreateLogger("Oms.Connectors.Binance.Rest");
    }

    public BinanceRateScopes Scopes => _scopes;

    public async ValueTask<BinanceResult<T>> SendAsync<T>(RestCall call, Func<ReadOnlyMemory<byte>, T> parse, ErrorDataParser<T>? errorData,
        CancellationToken cancellationToken)
    {
        // One span per request (OMS activity source), a child of the order's trace when the worker set its scope.
        var activity = Diagnostics.VenueCallTelemetry.Start(_context, call.MetricName, "rest");
        BinanceResult<T>? result = null;
        try
        {
            result = await SendCoreAsync(call, parse, errorData, cancellationToken).ConfigureAwait(false);
            return result.Value;
        }
        finally
        {
            Diagnostics.VenueCallTelemetry.Complete(activity, result is { } r ? r.Error : new BinanceError
            {
                Kind = VenueErrorKind.UnknownOutcome, Operation = call.Operation, Reason = "the call ended without an answer (cancelled or failed)",
            });
        }
    }

    private async ValueTask<BinanceResult<T>> SendCoreAsync<T>(RestCall call, Func<ReadOnlyMemory<byte>, T> parse, ErrorDataParser<T>? errorData,
        CancellationToken cancellationToken)
    {
        if (call.Security == RestSecurity.ApiKey && _credentials is null)
            return Fail(call, VenueErrorKind.Unauthorized, "this client has no API key; keyed calls are not possible", sent: false);
        if (call.Security == RestSecurity.Signed)
        {
            if (_credentials is null)
                return Fail(call, VenueErrorKind.Unauthorized, "this client has no API key; signed calls are not possible", sent: false);
            if (_context.Clock.NeedsSync) await SyncTimeAsync(onlyIfStale: true, cancellationToken).ConfigureAwait(false);
        }

        var charges = default(RateChargeBuffer);
        var count = _scopes.BuildCharges(call.Cost, charges);
        var refused = await _gate.AcquireAsync(charges, count, call.Priority, call.Operation, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            _context.Metrics.RecordError(call.MetricName, "rest", refused);
            return refused;
        }

        if (call.Security == RestSecurity.Signed)
        {
            call.Parameters.Add("recvWindow", (long)_context.Options.RecvWindow.TotalMilliseconds);
            call.Parameters.Add("timestamp", _context.Clock.TimestampMilliseconds());
        }
        var query = RestRequestWriter.BuildQuery(call.Parameters, call.Security == RestSecurity.Signed ? _credentials!.Signer : null);
        using var request = new HttpRequestMessage(call.Method, new Uri(_baseAddress, query.Length == 0 ? call.Path : $"{call.Path}?{query}"));
        if (call.Security != RestSecurity.None) request.Headers.TryAddWithoutValidation("X-MBX-APIKEY", _credentials!.ApiKey);

        var started = _context.Time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_context.Options.RestTimeout, _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Record<T>(call, started, Fail(call, Ambiguous(call), $"no response within {_context.Options.RestTimeout.TotalMilliseconds:0} ms; the outcome is unknown"));
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            return Record<T>(call, started, Fail(call, VenueErrorKind.Network, $"could not connect: {ex.Message}", sent: false));
        }
        catch (HttpRequestException ex)
        {
            return Record<T>(call, started, Fail(call, Ambiguous(call), $"the connection failed after sending ({ex.HttpRequestError}): {ex.Message}; the outcome is unknown"));
        }

        using (response)
        {
            using var body = new PooledBufferWriter(4096);
            try
            {
                await ReadBodyAsync(response, body, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                return Record<T>(call, started, Fail(call, Ambiguous(call), $"the response (HTTP {(int)response.StatusCode}) broke off: {ex.Message}; the outcome is unknown",
                    status: (int)response.StatusCode));
            }

            var status = (int)response.StatusCode;
            var receivedAt = _context.Time.GetUtcNow();
            if (response.IsSuccessStatusCode && call.Cost.ZeroWeightOnSuccess) _gate.ReleaseWeight(_scopes.Weight, call.Cost.Weight);
            ObserveUsageHeaders(response);

            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return Record(call, started, BinanceResult<T>.Ok(parse(body.WrittenMemory)));
                }
                catch (Exception ex) when (ex is BinanceProtocolException or JsonException or FormatException)
                {
                    _logger.LogError(ex, "Unparseable response to {Operation} (HTTP {Status})", call.Operation, status);
                    // The call succeeded at the venue even though we cannot read the answer.
                    return Record<T>(call, started, Fail(call, call.ReadOnly ? VenueErrorKind.Other : VenueErrorKind.UnknownOutcome,
                        $"the venue accepted the call but its response could not be read: {ex.Message}", status: status));
                }
            }

            var (code, message, data) = ReadError(body.WrittenSpan);
            if (code is { } c && data is { } d && errorData is not null)
            {
                var partial = errorData(c, message ?? string.Empty, d.RootElement);
                d.Dispose();
                if (partial is not null) return Record(call, started, BinanceResult<T>.Ok(partial));
            }
            else
            {
                data?.Dispose();
            }

            var kind = BinanceErrorClassifier.Classify(status, code, message, call.ReadOnly, _context.Api);
            DateTimeOffset? retryAt = null;
            if (kind is VenueErrorKind.RateLimited or VenueErrorKind.IpBanned && status is 429 or 418)
            {
                retryAt = receivedAt + (RetryAfter(response.Headers.RetryAfter, receivedAt) ?? (status == 418 ? DefaultBanFreeze : DefaultRateLimitFreeze));
                FreezeFor(status, code, retryAt.Value);
            }
            if (kind == VenueErrorKind.InvalidTimestamp) _context.Clock.Invalidate();
            var reason = message ?? (status >= 500 ? $"HTTP {status} from the venue; the outcome is unknown" : $"HTTP {status} from the venue");
            return Record<T>(call, started, new BinanceError
            {
                Kind = kind,
                Operation = call.Operation,
                Code = code,
                Reason = reason,
                HttpStatus = status,
                RetryAt = retryAt,
            });
        }
    }

    /// <summary>Reads the server time and updates the clock. Failures leave the clock as it was.</summary>
    public async ValueTask<BinanceResult<DateTimeOffset>> SyncTimeAsync(bool onlyIfStale, CancellationToken cancellationToken)
    {
        await _syncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Concurrent callers that waited here find the clock fresh and skip the call.
            if (onlyIfStale && !_context.Clock.NeedsSync) return BinanceResult<DateTimeOffset>.Ok(_context.Clock.ServerNow);
            var sentAt = _context.Time.GetUtcNow();
            var call = new RestCall(HttpMethod.Get, _timePath, new BinanceParameters(0), RestSecurity.None, new EndpointCost(1), RatePriority.RiskReducing,
                "time", $"read the server time of Binance {_context.ApiName}", ReadOnly: true);
            var result = await SendAsync<long>(call, static body => SpotReferenceParsers.ParseServerTime(body.Span), null, cancellationToken).ConfigureAwait(false);
            if (!result.TryGetValue(out var serverTime)) return result.Error!;
            _context.Clock.Observe(sentAt, _context.Time.GetUtcNow(), serverTime);
            return BinanceResult<DateTimeOffset>.Ok(JsonReading.FromMilliseconds(serverTime));
        }
        finally
        {
            _syncGate.Release();
        }
    }

    private void FreezeFor(int status, int? code, DateTimeOffset until)
    {
        var budget = _context.Budget;
        if (status == 418)
        {
            // An IP ban stops everything from this IP.
            budget.Freeze(_scopes.Weight, until);
            budget.Freeze(_scopes.RawRequests, until);
            budget.Freeze(_scopes.ConnectionAttempts, until);
            return;
        }
        if (code == -1015 && _scopes.Orders is { } orders) budget.Freeze(orders, until);
        else budget.Freeze(_scopes.Weight, until);
    }

    private void ObserveUsageHeaders(HttpResponseMessage response)
    {
        foreach (var header in response.Headers)
        {
            RateLimitScope? scope;
            ReadOnlySpan<char> suffix;
            if (header.Key.StartsWith("X-MBX-USED-WEIGHT-", StringComparison.OrdinalIgnoreCase))
            {
                scope = _scopes.Weight;
                suffix = header.Key.AsSpan("X-MBX-USED-WEIGHT-".Length);
            }
            else if (header.Key.StartsWith("X-MBX-ORDER-COUNT-", StringComparison.OrdinalIgnoreCase))
            {
                scope = _scopes.Orders;
                suffix = header.Key.AsSpan("X-MBX-ORDER-COUNT-".Length);
            }
            else
            {
                continue;
            }
            if (scope is not { } s || BinanceRateScopes.ParseHeaderInterval(suffix) is not { } interval) continue;
            foreach (var value in header.Value)
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var used)) continue;
                _context.Budget.ObserveUsage(s, interval, used);
                if (s.Kind == RateLimitKind.RequestWeight) _context.Metrics.RecordWeightUsed(s.Key, used);
            }
        }
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    private static (int? Code, string? Message, JsonDocument? Data) ReadError(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return (null, null, null);
        try
        {
            var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("code", out var codeElement) || !codeElement.TryGetInt32(out var code))
            {
                document.Dispose();
                return (null, null, null);
            }
            var message = root.TryGetProperty("msg", out var msg) ? msg.GetString() : null;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                var dataDocument = JsonDocument.Parse(data.GetRawText());
                document.Dispose();
                return (code, message, dataDocument);
            }
            document.Dispose();
            return (code, message, null);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static async Task ReadBodyAsync(HttpResponseMessage response, PooledBufferWriter body, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var read = await stream.ReadAsync(body.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (read == 0) return;
                body.Advance(read);
            }
        }
    }

    private static VenueErrorKind Ambiguous(RestCall call) => call.ReadOnly ? VenueErrorKind.Network : VenueErrorKind.UnknownOutcome;

    private static BinanceError Fail(RestCall call, VenueErrorKind kind, string reason, bool sent = true, int? status = null) => new()
    {
        Kind = kind,
        Operation = call.Operation,
        Reason = reason,
        Sent = sent,
        HttpStatus = status,
    };

    private BinanceResult<T> Record<T>(RestCall call, long started, BinanceResult<T> result)
    {
        var elapsed = _context.Time.GetElapsedTime(started);
        _context.Metrics.RecordCall(call.MetricName, "rest", elapsed, result.ErrorKind);
        if (result.Error is { } error)
        {
            _context.Metrics.RecordError(call.MetricName, "rest", error);
            if (error.Kind == VenueErrorKind.UnknownOutcome) _logger.LogWarning("{Message}", error.Message);
        }
        return result;
    }

    private BinanceResult<T> Record<T>(RestCall call, long started, BinanceError error) => Record(call, started, BinanceResult<T>.Fail(error));
}
