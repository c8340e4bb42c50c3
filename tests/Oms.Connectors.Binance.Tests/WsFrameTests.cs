using Microsoft.Extensions.Time.Testing;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Tests.Support;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Binance.Tests;

public sealed class WsFrameTests
{
    public static TheoryData<string> ResponseSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Samples.Files("spot-ws-api", "*response*.json")) data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(ResponseSamples))]
    public void Every_ws_api_response_sample_reads_as_a_response_envelope(string sample)
    {
        var bytes = Samples.Bytes(sample);
        var json = Samples.Json(sample);

        var frame = WsApiFrame.Parse(bytes);

        Assert.Equal(WsFrameKind.Response, frame.Kind);
        Assert.Equal(json.GetProperty("status").GetInt32(), frame.Status);
        Assert.Equal(json.TryGetProperty("result", out _), frame.HasResult);
        Assert.Equal(json.TryGetProperty("error", out _), frame.HasError);
        Assert.Equal(json.TryGetProperty("rateLimits", out _), frame.HasRateLimits);
        if (frame.HasError)
        {
            var (code, message, _, _, _) = WsApiFrame.ReadError(bytes.AsSpan()[frame.Error]);
            Assert.Equal(json.GetProperty("error").GetProperty("code").GetInt32(), code);
            Assert.Equal(json.GetProperty("error").GetProperty("msg").GetString(), message);
        }
    }

    [Fact]
    public void Ip_ban_response_carries_retry_after_as_epoch_milliseconds()
    {
        var bytes = Samples.Bytes("spot-ws-api/response_error_418_ip_banned.json");
        var frame = WsApiFrame.Parse(bytes);

        var (code, _, retryAfter, _, hasData) = WsApiFrame.ReadError(bytes.AsSpan()[frame.Error]);

        Assert.Equal(418, frame.Status);
        Assert.Equal(-1003, code);
        Assert.True(hasData);
        Assert.Equal(1659146400000, retryAfter);
        Assert.Equal(VenueErrorKind.IpBanned, BinanceErrorClassifier.Classify(frame.Status, code, null, readOnly: false));
    }

    [Fact]
    public void Session_revoked_has_no_id_and_is_unauthorized()
    {
        var bytes = Samples.Bytes("spot-ws-api/response_error_401_session_revoked.json");

        var frame = WsApiFrame.Parse(bytes);

        Assert.Null(frame.Id);
        Assert.Equal(VenueErrorKind.Unauthorized, BinanceErrorClassifier.Classify(frame.Status, -2015, null, readOnly: false));
    }

    [Fact]
    public void Numeric_ids_are_correlated_and_string_ids_are_not_ours()
    {
        Assert.Equal(1, WsApiFrame.Parse(Samples.Bytes("spot-ws-api/response_time_with_rateLimits.json")).Id);
        Assert.Null(WsApiFrame.Parse(Samples.Bytes("spot-ws-api/order_place_response_ACK.json")).Id);
    }

    [Fact]
    public void Events_are_told_apart_from_responses()
    {
        var shutdown = WsApiFrame.Parse(Samples.Bytes("spot-ws-api/event_serverShutdown.json"));
        var userData = WsApiFrame.Parse(Samples.Bytes("spot-ws-api/event_envelope_outboundAccountPosition.json"));

        Assert.Equal(WsFrameKind.ConnectionEvent, shutdown.Kind);
        Assert.Equal("serverShutdown", Parsing.SpotUserDataParser.PeekTypeName(Samples.Bytes("spot-ws-api/event_serverShutdown.json").AsSpan()[shutdown.Event]));
        Assert.Equal(WsFrameKind.SubscriptionEvent, userData.Kind);
        Assert.Equal(0, userData.SubscriptionId);
    }

    [Fact]
    public void Rate_limits_arrays_correct_the_budget_with_counts_and_limits()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var budget = BinanceApiContext.CreateLocalBudget(BinanceApi.Spot, new BinanceOptions(), time);
        var scopes = new BinanceRateScopes(BinanceApi.Spot, "default", "a1");
        var bytes = Samples.Bytes("spot-ws-api/response_envelope_error.json");
        var frame = WsApiFrame.Parse(bytes);
        var observed = new List<long>();

        WsApiFrame.ObserveRateLimits(bytes.AsSpan()[frame.RateLimits], scopes, budget, (_, used) => observed.Add(used));

        Assert.Equal(322, budget.GetUsage(scopes.Weight).Single().Used);
        Assert.Equal([(13L, 50L), (4044L, 160000L)], budget.GetUsage(scopes.Orders!.Value).Select(u => (u.Used, u.Limit)));
        Assert.Equal([322L], observed);
    }
}
