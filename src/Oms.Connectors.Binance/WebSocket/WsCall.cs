using System.Text.Json;
using Oms.Connectors.Binance.RateLimits;
using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.WebSocket;

/// <summary>How a WebSocket API request is authenticated.</summary>
internal enum WsSecurity
{
    /// <summary>No key: public data, <c>session.status</c>, <c>userDataStream.unsubscribe</c>.</summary>
    None = 0,
    /// <summary>
    /// Signed: on a logged-on session only <c>timestamp</c> (and <c>recvWindow</c>) are added; otherwise
    /// <c>apiKey</c>, <c>timestamp</c>, <c>recvWindow</c> and <c>signature</c>.
    /// </summary>
    Signed = 1,
    /// <summary>Always carries <c>apiKey</c> and <c>signature</c>, logged on or not (<c>session.logon</c>, <c>userDataStream.subscribe.signature</c>).</summary>
    SignedExplicit = 2,
}

/// <summary>Parses the <c>result</c> value of a successful response.</summary>
internal delegate T WsResultParser<T>(ReadOnlySpan<byte> result);

/// <summary>One WebSocket API request.</summary>
internal sealed record WsCall(
    string Method,
    BinanceParameters? Parameters,
    WsSecurity Security,
    EndpointCost Cost,
    RatePriority Priority,
    string Operation,
    bool ReadOnly)
{
    /// <summary>Whether to add <c>recvWindow</c> to signed requests (not for <c>session.logon</c>-style calls that reject unknown params).</summary>
    public bool AddRecvWindow { get; init; } = true;
}

/// <summary>A request waiting for its response; completed from the receive loop.</summary>
internal abstract class PendingWsCall
{
    protected PendingWsCall(WsCall call, long startedTimestamp)
    {
        Call = call;
        StartedTimestamp = startedTimestamp;
    }

    public WsCall Call { get; }

    public long StartedTimestamp { get; }

    /// <summary>Completes with the response; runs on the receive loop and must not block.</summary>
    public abstract void Complete(ReadOnlySpan<byte> message, in WsApiFrame frame, BinanceError? error);

    public abstract void Fail(BinanceError error);
}

internal sealed class PendingWsCall<T> : PendingWsCall
{
    private readonly WsResultParser<T> _parser;
    private readonly Func<int, string, JsonElement, T?>? _errorData;
    private readonly TaskCompletionSource<BinanceResult<T>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingWsCall(WsCall call, long startedTimestamp, WsResultParser<T> parser, Func<int, string, JsonElement, T?>? errorData)
        : base(call, startedTimestamp)
    {
        _parser = parser;
        _errorData = errorData;
    }

    public Task<BinanceResult<T>> Task => _completion.Task;

    public override void Complete(ReadOnlySpan<byte> message, in WsApiFrame frame, BinanceError? error)
    {
        if (error is not null)
        {
            if (error.Code is { } code && _errorData is not null && frame.HasError)
            {
                var details = WsApiFrame.ReadError(message[frame.Error]);
                if (details.HasData)
                {
                    try
                    {
                        using var data = JsonDocument.Parse(message[frame.Error][details.Data].ToArray());
                        if (_errorData(code, error.Reason, data.RootElement) is { } partial)
                        {
                            _completion.TrySetResult(BinanceResult<T>.Ok(partial));
                            return;
                        }
                    }
                    catch (Exception ex) when (ex is JsonException or Parsing.BinanceProtocolException)
                    {
                        // Fall through to the plain error.
                    }
                }
            }
            _completion.TrySetResult(BinanceResult<T>.Fail(error));
            return;
        }
        try
        {
            var value = _parser(frame.HasResult ? message[frame.Result] : "{}"u8);
            _completion.TrySetResult(BinanceResult<T>.Ok(value));
        }
        catch (Exception ex) when (ex is JsonException or Parsing.BinanceProtocolException or FormatException or InvalidOperationException)
        {
            _completion.TrySetResult(BinanceResult<T>.Fail(new BinanceError
            {
                Kind = Call.ReadOnly ? VenueErrorKind.Other : VenueErrorKind.UnknownOutcome,
                Operation = Call.Operation,
                Reason = $"the venue answered {frame.Status} but its result could not be read: {ex.Message}",
                HttpStatus = frame.Status,
            }));
        }
    }

    public override void Fail(BinanceError error) => _completion.TrySetResult(BinanceResult<T>.Fail(error));
}
