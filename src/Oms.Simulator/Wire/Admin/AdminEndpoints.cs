using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Oms.Simulator.Engine;
using Oms.Simulator.Hosting;
using Oms.Simulator.Wire.Faults;
using Oms.Simulator.Wire.UserData;

namespace Oms.Simulator.Wire.Admin;

/// <summary>Body of market-control calls: <c>{"symbol","market":"spot"|"usdm", …}</c>.</summary>
public sealed record MarketControlRequest
{
    public string Symbol { get; init; } = "";

    /// <summary><c>spot</c> (default) or <c>usdm</c>.</summary>
    public string? Market { get; init; }

    public decimal? Price { get; init; }

    /// <summary>Sweep: side of the outside aggressor (BUY takes asks, SELL takes bids).</summary>
    public string? Side { get; init; }

    public bool? Held { get; init; }

    public bool? Enabled { get; init; }

    public decimal? VolatilityBps { get; init; }

    public decimal? FundingRate { get; init; }

    public string? Status { get; init; }
}

/// <summary>Body of <c>POST /sim/accounts/{apiKey}/deposit</c>.</summary>
public sealed record DepositRequest(string Asset, decimal Amount, string? Market);

/// <summary>Body of <c>POST /sim/faults/user-data</c>.</summary>
public sealed record UserDataFaultRequest(string? AccountId, bool Silence, bool Duplicate, bool Reorder);

/// <summary>Body of connection faults (<c>drop</c>, <c>server-shutdown</c>).</summary>
public sealed record ConnectionFaultRequest(string? AccountId, bool Close = true);

/// <summary>Body of <c>POST /sim/limits</c>.</summary>
public sealed record LimitsRequest(string Market, VenueLimitOptions Limits);

/// <summary>
/// The simulator's control plane under <c>/sim/</c>: accounts and keys, market controls, state inspection, the
/// order-request log, request/user-data/connection faults and rate-limit settings (documented in README.md).
/// </summary>
public static class AdminEndpoints
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static IEndpointRouteBuilder MapSimulatorAdmin(this IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        var sim = app.MapGroup("/sim");
        var exchange = runtime.Exchange;

        sim.MapGet("/health", () => Results.Json(new { status = "ok", serverTime = exchange.ServerTime }, Json));

        // ---- accounts and keys
        sim.MapPost("/accounts", async (HttpContext http) =>
        {
            var request = await ReadAsync<CreateAccountRequest>(http).ConfigureAwait(false);
            if (request is null)
            {
                return Bad("body must be a JSON object");
            }

            try
            {
                var created = runtime.Accounts.Create(request);
                return Results.Json(created, Json, statusCode: StatusCodes.Status201Created);
            }
            catch (ArgumentException ex)
            {
                return Bad(ex.Message);
            }
        });
        sim.MapGet("/accounts", () => Results.Json(
            exchange.GetAccountIds().Where(a => !a.StartsWith("__", StringComparison.Ordinal)).Select(a => new
            {
                accountId = a,
                apiKeys = runtime.Keys.ForAccount(a).Select(k => new { k.ApiKey, type = k.Type }),
            }), Json));
        sim.MapGet("/accounts/{apiKey}", (string apiKey) =>
        {
            var accountId = runtime.Accounts.ResolveAccount(apiKey);
            return accountId is null ? NotFound($"no account or API key '{apiKey}'") : Results.Json(AccountState(runtime, accountId), Json);
        });
        sim.MapPost("/accounts/{apiKey}/deposit", async (HttpContext http, string apiKey) =>
        {
            var accountId = runtime.Accounts.ResolveAccount(apiKey);
            var request = await ReadAsync<DepositRequest>(http).ConfigureAwait(false);
            if (accountId is null || request is null)
            {
                return accountId is null ? NotFound($"no account or API key '{apiKey}'") : Bad("body must be {\"asset\",\"amount\",\"market\"}");
            }

            return Engine(exchange.Deposit(accountId, ParseMarket(request.Market), request.Asset, request.Amount));
        });
        sim.MapPost("/accounts/{apiKey}/can-trade", async (HttpContext http, string apiKey) =>
        {
            var accountId = runtime.Accounts.ResolveAccount(apiKey);
            var request = await ReadAsync<JsonElement>(http).ConfigureAwait(false);
            if (accountId is null || request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("canTrade", out var canTrade)
                || canTrade.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return accountId is null ? NotFound($"no account or API key '{apiKey}'") : Bad("body must be {\"canTrade\":true|false}");
            }

            return Engine(exchange.SetCanTrade(accountId, canTrade.GetBoolean()));
        });
        sim.MapDelete("/keys/{apiKey}", (string apiKey) =>
            runtime.RevokeKey(apiKey) ? Results.Json(new { revoked = apiKey }, Json) : NotFound($"no API key '{apiKey}'"));

        // ---- market controls
        sim.MapPost("/prices", (MarketControlRequest r) => r.Price is { } price
            ? Engine(exchange.SetPrice(ParseMarket(r.Market), r.Symbol, price))
            : Bad("price is required"));
        sim.MapPost("/sweep", (MarketControlRequest r) => r.Price is { } limit && WireNames.TryParse<OrderSide>(r.Side, out var side)
            ? Engine(exchange.SweepBook(ParseMarket(r.Market), r.Symbol, side, limit))
            : Bad("side (BUY|SELL) and price (the limit of the sweep) are required"));
        sim.MapPost("/markets/hold", (MarketControlRequest r) => Engine(exchange.SetMarketHeld(ParseMarket(r.Market), r.Symbol, r.Held ?? true)));
        sim.MapPost("/markets/release", (MarketControlRequest r) => Engine(exchange.SetMarketHeld(ParseMarket(r.Market), r.Symbol, false)));
        sim.MapPost("/markets/liquidity", (MarketControlRequest r) => Engine(exchange.SetLiquidityEnabled(ParseMarket(r.Market), r.Symbol, r.Enabled ?? true)));
        sim.MapPost("/markets/volatility", (MarketControlRequest r) => r.VolatilityBps is { } bps
            ? Engine(exchange.SetVolatility(ParseMarket(r.Market), r.Symbol, bps))
            : Bad("volatilityBps is required"));
        sim.MapPost("/markets/mark-price", (MarketControlRequest r) => Engine(exchange.SetMarkPrice(r.Symbol, r.Price)));
        sim.MapPost("/markets/funding-rate", (MarketControlRequest r) => r.FundingRate is { } rate
            ? Engine(exchange.SetFundingRate(r.Symbol, rate))
            : Bad("fundingRate is required"));
        sim.MapPost("/markets/settle-funding", (MarketControlRequest r) => Engine(exchange.SettleFunding(r.Symbol)));
        sim.MapPost("/markets/status", (MarketControlRequest r) => WireNames.TryParse<SymbolStatus>(r.Status, out var status)
            ? Engine(exchange.SetSymbolStatus(ParseMarket(r.Market), r.Symbol, status))
            : Bad("status must be TRADING, END_OF_DAY, HALT, BREAK or CANCEL_ONLY"));
        sim.MapPost("/step", (MarketControlRequest? r) => r is { Symbol.Length: > 0 }
            ? Engine(exchange.Step(ParseMarket(r.Market), r.Symbol))
            : Step(exchange));

        // ---- request log
        sim.MapGet("/requests", (string? accountId, string? apiKey) => Results.Json(runtime.RequestLog.Snapshot(accountId, apiKey), Json));
        sim.MapDelete("/requests", () =>
        {
            runtime.RequestLog.Clear();
            return Results.Json(new { cleared = true }, Json);
        });

        // ---- faults
        sim.MapPost("/faults", async (HttpContext http) =>
        {
            var rule = await ReadAsync<FaultRule>(http).ConfigureAwait(false);
            return rule is null ? Bad("body must be a fault rule") : Results.Json(runtime.Faults.Add(rule), Json, statusCode: StatusCodes.Status201Created);
        });
        sim.MapGet("/faults", () => Results.Json(new { requests = runtime.Faults.Snapshot(), userData = runtime.UserData.FaultSnapshot() }, Json));
        sim.MapDelete("/faults/{id}", (string id) => runtime.Faults.Remove(id) ? Results.Json(new { removed = id }, Json) : NotFound($"no fault '{id}'"));
        sim.MapDelete("/faults", () =>
        {
            runtime.Faults.Clear();
            runtime.UserData.ClearFaults();
            return Results.Json(new { cleared = true }, Json);
        });
        sim.MapPost("/faults/user-data", (UserDataFaultRequest r) =>
        {
            runtime.UserData.SetFaults(r.AccountId is null ? null : runtime.Accounts.ResolveAccount(r.AccountId) ?? r.AccountId,
                new UserDataFaults(r.Silence, r.Duplicate, r.Reorder));
            return Results.Json(runtime.UserData.FaultSnapshot(), Json);
        });
        sim.MapPost("/connections/drop", (ConnectionFaultRequest? r) =>
            Results.Json(new { dropped = runtime.Connections.Drop(ResolveOptional(runtime, r?.AccountId)) }, Json));
        sim.MapPost("/connections/server-shutdown", (ConnectionFaultRequest? r) =>
            Results.Json(new { notified = runtime.Connections.ServerShutdown(ResolveOptional(runtime, r?.AccountId), exchange.ServerTime, r?.Close ?? true) }, Json));
        sim.MapGet("/connections", () => Results.Json(runtime.Connections.Snapshot().Select(c => new
        {
            id = c.Id,
            kind = c.Kind,
            remoteIp = c.RemoteIp,
            connectedSince = c.ConnectedSince,
            accounts = c.AccountIds,
        }), Json));
        sim.MapPost("/listen-keys/expire", (ConnectionFaultRequest? r) =>
        {
            var accountId = ResolveOptional(runtime, r?.AccountId);
            var accounts = accountId is null ? exchange.GetAccountIds() : [accountId];
            var closed = accounts.Count(a => runtime.ListenKeys.Close(a));
            return Results.Json(new { expired = closed }, Json);
        });

        // ---- rate limits
        sim.MapPost("/limits", async (HttpContext http) =>
        {
            var request = await ReadAsync<LimitsRequest>(http).ConfigureAwait(false);
            if (request?.Limits is null)
            {
                return Bad("body must be {\"market\":\"spot\"|\"usdm\",\"limits\":{…}}");
            }

            try
            {
                request.Limits.Validate("limits");
            }
            catch (InvalidOperationException ex)
            {
                return Bad(ex.Message);
            }

            runtime.Venue(ParseMarket(request.Market)).Limiter.Reconfigure(request.Limits.ToSettings());
            return Results.Json(request.Limits, Json);
        });
        sim.MapPost("/limits/reset", () =>
        {
            runtime.SpotVenue.Limiter.Reset();
            runtime.FuturesVenue.Limiter.Reset();
            return Results.Json(new { reset = true }, Json);
        });

        return app;
    }

    private static object AccountState(SimulatorRuntime runtime, string accountId)
    {
        var exchange = runtime.Exchange;
        var spotSymbols = exchange.GetExchangeInfo(MarketKind.Spot).Symbols.Select(s => s.Symbol).ToList();
        var futuresSymbols = exchange.GetExchangeInfo(MarketKind.UsdM).Symbols.Select(s => s.Symbol).ToList();
        return new
        {
            accountId,
            apiKeys = runtime.Keys.ForAccount(accountId).Select(k => new { k.ApiKey, type = k.Type }),
            spot = new
            {
                account = Value(exchange.GetSpotAccount(accountId)),
                openOrders = Value(exchange.GetOpenSpotOrders(accountId)),
                orders = spotSymbols.SelectMany(s => Value(exchange.GetAllSpotOrders(accountId, new OrderHistoryQuery { Symbol = s, Limit = 1000 })) ?? []),
                trades = spotSymbols.SelectMany(s => Value(exchange.GetSpotTrades(accountId, new TradeHistoryQuery { Symbol = s, Limit = 1000 })) ?? []),
                openOrderLists = Value(exchange.GetOpenSpotOrderLists(accountId)),
            },
            futures = new
            {
                account = Value(exchange.GetFuturesAccount(accountId)),
                positions = Value(exchange.GetPositionRisk(accountId)),
                openOrders = Value(exchange.GetOpenFuturesOrders(accountId)),
                openAlgoOrders = Value(exchange.GetOpenAlgoOrders(accountId)),
                orders = futuresSymbols.SelectMany(s => Value(exchange.GetAllFuturesOrders(accountId, new OrderHistoryQuery { Symbol = s, Limit = 1000 })) ?? []),
                trades = futuresSymbols.SelectMany(s => Value(exchange.GetFuturesTrades(accountId, new TradeHistoryQuery { Symbol = s, Limit = 1000 })) ?? []),
                positionMode = Value(exchange.GetPositionMode(accountId)),
            },
        };
    }

    private static T? Value<T>(EngineResult<T> result) => result.IsSuccess ? result.Value : default;

    private static IResult Step(SimExchange exchange)
    {
        exchange.Step();
        return Results.Json(new { stepped = true }, Json);
    }

    private static string? ResolveOptional(SimulatorRuntime runtime, string? apiKeyOrAccountId) =>
        apiKeyOrAccountId is null ? null : runtime.Accounts.ResolveAccount(apiKeyOrAccountId) ?? apiKeyOrAccountId;

    private static MarketKind ParseMarket(string? market) => market?.ToLowerInvariant() switch
    {
        null or "" or "spot" => MarketKind.Spot,
        "usdm" or "futures" or "um" or "usd-m" => MarketKind.UsdM,
        _ => throw new BadHttpRequestException($"market must be 'spot' or 'usdm', got '{market}'"),
    };

    private static IResult Engine(EngineResult result) => result.IsSuccess
        ? Results.Json(new { ok = true }, Json)
        : Results.Json(new { code = result.Error.Code, msg = result.Error.Message }, Json, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Bad(string message) => Results.Json(new { error = message }, Json, statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound(string message) => Results.Json(new { error = message }, Json, statusCode: StatusCodes.Status404NotFound);

    private static async Task<T?> ReadAsync<T>(HttpContext http)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
