using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Faults;
using Oms.Simulator.Wire.Operations;
using Oms.Simulator.Wire.RateLimits;

namespace Oms.Simulator.Wire.Rest;

/// <summary>Maps every catalogued REST route of both venues onto the venue pipeline and renders Binance responses.</summary>
public static class RestEndpoints
{
    private const int MaxBodyBytes = 1 << 20;

    public static IEndpointRouteBuilder MapBinanceRest(this IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        foreach (var market in new[] { MarketKind.Spot, MarketKind.UsdM })
        {
            var venue = runtime.Venue(market);
            foreach (var (method, path, operation) in runtime.Catalog(market).Rest)
            {
                app.MapMethods(path, [method], (HttpContext http) => HandleAsync(http, runtime, venue, operation, path));
            }
        }

        return app;
    }

    private static async Task HandleAsync(HttpContext http, SimulatorRuntime runtime, Venue venue, Operation operation, string path)
    {
        var request = http.Request;
        var rawQuery = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        var rawBody = string.Empty;
        if (!HttpMethods.IsGet(request.Method) && (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            rawBody = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
            if (rawBody.Length > MaxBodyBytes)
            {
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            // Binance reads parameters from a form body only; a JSON body (sent by some clients with no params) is ignored.
            if (IsJsonBody(request, rawBody))
            {
                rawBody = string.Empty;
            }
        }

        var clientIp = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        RequestParameters parameters;
        try
        {
            parameters = RequestParameters.FromForm(rawQuery, rawBody);
        }
        catch (ApiErrorException ex)
        {
            await WriteAsync(http, ex.Error, venue.Limiter.WeightUsage(clientIp, venue.NowMs), null).ConfigureAwait(false);
            return;
        }

        var headerKey = request.Headers["X-MBX-APIKEY"].ToString();
        var keyAccount = headerKey.Length > 0 && runtime.Keys.TryGet(headerKey, out var known) ? known.AccountId : null;
        var before = runtime.Faults.Match(venue.Market, Transport.Rest, request.Method, path, keyAccount, beforeExecution: true);
        if (before is not null)
        {
            if (before.Action == FaultAction.BlackHole)
            {
                await HoldForeverAsync(http).ConfigureAwait(false);
                return;
            }

            await WriteAsync(http, before.ToError(), venue.Limiter.WeightUsage(clientIp, venue.NowMs), null).ConfigureAwait(false);
            return;
        }

        var auth = new AuthInput
        {
            HeaderApiKey = headerKey.Length > 0 ? headerKey : null,
            SignedPayload = () => Auth.SignatureVerifier.RestPayload(rawQuery, rawBody),
        };
        ExecutionOutcome outcome;
        try
        {
            outcome = venue.Execute(operation, parameters, auth, Transport.Rest, clientIp, route: request.Method + " " + path);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            runtime.Loggers.CreateLogger(typeof(RestEndpoints)).LogError(ex, "{Method} {Path} failed unexpectedly", request.Method, path);
            await WriteAsync(http, ApiErrors.Unknown("An unknown error occurred while processing the request."), venue.Limiter.WeightUsage(clientIp, venue.NowMs), null).ConfigureAwait(false);
            return;
        }

        var after = runtime.Faults.Match(venue.Market, Transport.Rest, request.Method, path, outcome.Credential?.AccountId ?? keyAccount, beforeExecution: false);
        if (after is not null)
        {
            switch (after.Action)
            {
                case FaultAction.Delay:
                    await Task.Delay(TimeSpan.FromMilliseconds(after.DelayMs), runtime.Clock, http.RequestAborted).ConfigureAwait(false);
                    break;
                case FaultAction.BlackHole:
                    await HoldForeverAsync(http).ConfigureAwait(false);
                    return;
                case FaultAction.Error:
                    await WriteAsync(http, after.ToError(), outcome.WeightUsage, null).ConfigureAwait(false);
                    return;
            }
        }

        await WriteAsync(http, outcome.Result, outcome.WeightUsage, outcome.Result.IsSuccess ? outcome.OrderUsage : null).ConfigureAwait(false);
    }

    private static bool IsJsonBody(HttpRequest request, string body) =>
        body.Length > 0 && request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && body.TrimStart().StartsWith('{');

    private static async Task HoldForeverAsync(HttpContext http)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the server is stopping: the response is never sent.
        }

        http.Abort();
    }

    /// <summary>Writes a Binance REST response: status, usage headers, body or <c>{"code","msg"}</c>.</summary>
    public static async Task WriteAsync(HttpContext http, OperationResult result, IReadOnlyList<RateLimitUsage> weight, IReadOnlyList<RateLimitUsage>? orders)
    {
        var response = http.Response;
        foreach (var usage in weight)
        {
            var count = usage.Count.ToString(CultureInfo.InvariantCulture);
            response.Headers["X-MBX-USED-WEIGHT-" + usage.Rule.HeaderSuffix] = count;
            response.Headers["X-MBX-USED-WEIGHT"] = count;
        }

        foreach (var usage in orders ?? [])
        {
            response.Headers["X-MBX-ORDER-COUNT-" + usage.Rule.HeaderSuffix] = usage.Count.ToString(CultureInfo.InvariantCulture);
        }

        response.ContentType = "application/json;charset=UTF-8";
        if (result.Error is { } error)
        {
            response.StatusCode = error.HttpStatus;
            if (error.RetryAfterSeconds is { } retryAfter)
            {
                response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            await WriteJsonAsync(response, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("code", error.Code);
                w.WriteString("msg", error.Message);
                if (error.Data is { } data)
                {
                    w.WriteStartObject("data");
                    data(w);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        await WriteJsonAsync(response, result.Body!).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpResponse response, Action<Utf8JsonWriter> write)
    {
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            write(writer);
            await writer.FlushAsync().ConfigureAwait(false);
        }

        await response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }
}
