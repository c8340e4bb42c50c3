using System.Globalization;

namespace Oms.Connectors.Binance.RateLimits;

/// <summary>The budget scopes one client draws on: IP-wide scopes of its API family and the account's order counters.</summary>
public sealed class BinanceRateScopes
{
    public BinanceRateScopes(BinanceApi api, string ipScope, string? account)
    {
        var prefix = api == BinanceApi.Spot ? "spot" : "usdm";
        Weight = new RateLimitScope(RateLimitKind.RequestWeight, $"{prefix}:ip:{ipScope}");
        RawRequests = new RateLimitScope(RateLimitKind.RawRequests, $"{prefix}:ip:{ipScope}");
        ConnectionAttempts = new RateLimitScope(RateLimitKind.ConnectionAttempts, $"{prefix}:ip:{ipScope}");
        Orders = account is null ? null : new RateLimitScope(RateLimitKind.Orders, $"{prefix}:account:{account}");
        Api = api;
    }

    public BinanceApi Api { get; }

    /// <summary><c>REQUEST_WEIGHT</c>, shared by REST and the WebSocket API of this IP.</summary>
    public RateLimitScope Weight { get; }

    public RateLimitScope RawRequests { get; }

    public RateLimitScope ConnectionAttempts { get; }

    /// <summary>The account's unfilled order count; null for a client without an account (market data).</summary>
    public RateLimitScope? Orders { get; }

    /// <summary>The scope a Binance <c>rateLimitType</c> refers to for this client, or null if unknown.</summary>
    public RateLimitScope? ForType(string rateLimitType) => rateLimitType switch
    {
        "REQUEST_WEIGHT" => Weight,
        "ORDERS" => Orders,
        "RAW_REQUESTS" => RawRequests,
        _ => null,
    };

    /// <summary>Builds the charges of one call: endpoint weight, raw request, and order count.</summary>
    public int BuildCharges(EndpointCost cost, Span<RateCharge> destination)
    {
        var n = 0;
        destination[n++] = new RateCharge(Weight, cost.Weight);
        destination[n++] = new RateCharge(RawRequests, 1);
        if (cost.Orders > 0)
        {
            if (Orders is not { } orders) throw new InvalidOperationException("an order-placing call needs an account scope");
            destination[n++] = new RateCharge(orders, cost.Orders);
        }
        return n;
    }

    /// <summary>Converts a Binance interval (<c>SECOND</c>/<c>MINUTE</c>/<c>HOUR</c>/<c>DAY</c> × n) to a duration.</summary>
    public static TimeSpan? ParseInterval(string interval, int intervalNum) => interval switch
    {
        "SECOND" => TimeSpan.FromSeconds(intervalNum),
        "MINUTE" => TimeSpan.FromMinutes(intervalNum),
        "HOUR" => TimeSpan.FromHours(intervalNum),
        "DAY" => TimeSpan.FromDays(intervalNum),
        _ => null,
    };

    /// <summary>Converts a header suffix such as <c>1M</c>, <c>10S</c>, <c>1D</c> (from <c>X-MBX-USED-WEIGHT-1M</c>) to a duration.</summary>
    public static TimeSpan? ParseHeaderInterval(ReadOnlySpan<char> suffix)
    {
        if (suffix.Length < 2) return null;
        if (!int.TryParse(suffix[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0) return null;
        return char.ToUpperInvariant(suffix[^1]) switch
        {
            'S' => TimeSpan.FromSeconds(number),
            'M' => TimeSpan.FromMinutes(number),
            'H' => TimeSpan.FromHours(number),
            'D' => TimeSpan.FromDays(number),
            _ => null,
        };
    }
}

/// <summary>What one call costs: request weight and unfilled-order count; <see cref="ZeroWeightOnSuccess"/> marks calls the venue does not weigh when they succeed.</summary>
public readonly record struct EndpointCost(int Weight, int Orders = 0, bool ZeroWeightOnSuccess = false);

/// <summary>Spot endpoint costs (REFERENCE §1.7, §2.5; the 2026-04-02 rule: successful order placement and cancel cost 0 weight).</summary>
public static class SpotEndpointCosts
{
    public static EndpointCost Ping => new(1);
    public static EndpointCost Time => new(1);
    public static EndpointCost ExchangeInfo => new(20);
    /// <summary><c>GET /api/v3/depth</c>: 5 up to 100 levels, 25 up to 500, 50 up to 1000, 250 up to 5000.</summary>
    public static EndpointCost Depth(int limit) => new(limit switch { <= 100 => 5, <= 500 => 25, <= 1000 => 50, _ => 250 });
    public static EndpointCost PlaceOrder => new(1, Orders: 1, ZeroWeightOnSuccess: true);
    public static EndpointCost TestOrder(bool computeCommissionRates) => new(computeCommissionRates ? 20 : 1);
    public static EndpointCost CancelOrder => new(1, ZeroWeightOnSuccess: true);
    public static EndpointCost CancelReplace => new(1, Orders: 1);
    public static EndpointCost QueryOrder => new(4);
    public static EndpointCost OpenOrders(bool withSymbol) => new(withSymbol ? 6 : 80);
    public static EndpointCost CancelOpenOrders => new(1);
    public static EndpointCost AllOrders => new(20);
    public static EndpointCost MyTrades(bool withOrderId) => new(withOrderId ? 5 : 20);
    public static EndpointCost Account => new(20);
    public static EndpointCost PlaceOco => new(1, Orders: 2);
    public static EndpointCost CancelOrderList => new(1);
    public static EndpointCost OrderRateLimits => new(40);
    public static EndpointCost SessionLogon => new(2);
    public static EndpointCost SessionStatus => new(2);
    public static EndpointCost UserDataSubscribe => new(2);
    public static EndpointCost UserDataUnsubscribe => new(2);

    /// <summary>Opening a WebSocket API connection costs 2 weight and one connection attempt.</summary>
    public static EndpointCost Connect => new(2);
}

/// <summary>
/// USD-M endpoint costs (REFERENCE §5.2, §5.3): order placement costs 0 IP weight and 1 on each order counter (10 s and
/// 1 min); <c>batchOrders</c> 5 weight and 5 on the 10 s counter, 1 on the minute counter (modelled as 5 orders).
/// </summary>
public static class UsdMEndpointCosts
{
    public static EndpointCost Ping => new(1);
    public static EndpointCost Time => new(1);
    public static EndpointCost ExchangeInfo => new(1);
    /// <summary><c>GET /fapi/v1/depth</c>: 2 up to 50 levels, 5 at 100, 10 at 500, 20 at 1000.</summary>
    public static EndpointCost Depth(int limit) => new(limit switch { <= 50 => 2, <= 100 => 5, <= 500 => 10, _ => 20 });
    public static EndpointCost PlaceOrder => new(0, Orders: 1);
    public static EndpointCost TestOrder => new(0);
    public static EndpointCost ModifyOrder => new(0, Orders: 1);
    public static EndpointCost BatchOrders(int count) => new(5, Orders: count);
    public static EndpointCost CancelOrder => new(1);
    public static EndpointCost CancelAllOpenOrders => new(1);
    public static EndpointCost CountdownCancelAll => new(10);
    public static EndpointCost QueryOrder => new(1);
    public static EndpointCost OpenOrders(bool withSymbol) => new(withSymbol ? 1 : 40);
    public static EndpointCost AllOrders => new(5);
    public static EndpointCost PlaceAlgoOrder => new(0, Orders: 1);
    public static EndpointCost CancelAlgoOrder => new(1);
    public static EndpointCost QueryAlgoOrder => new(1);
    public static EndpointCost OpenAlgoOrders(bool withSymbol) => new(withSymbol ? 1 : 40);
    public static EndpointCost Leverage => new(1);
    public static EndpointCost MarginType => new(1);
    public static EndpointCost ChangePositionMode => new(1);
    public static EndpointCost GetPositionMode => new(30);
    public static EndpointCost PositionRisk => new(5);
    public static EndpointCost Account => new(5);
    public static EndpointCost Balance => new(5);
    public static EndpointCost Income => new(30);
    public static EndpointCost UserTrades => new(5);
    public static EndpointCost ListenKey => new(1);
    public static EndpointCost SessionLogon => new(2);
    /// <summary>Opening a WebSocket API connection costs 5 weight (REFERENCE §5.7).</summary>
    public static EndpointCost Connect => new(5);
}
