using System.Net.Http;
using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;
using Oms.Cli.Connection;

namespace Oms.Cli.Errors;

/// <summary>One invalid field named by the gateway (<c>google.rpc.BadRequest</c>), with the CLI flag it came from when known.</summary>
internal sealed record FieldViolationView(string Field, string Description, string? Flag);

/// <summary>
/// Turns gRPC failures into <see cref="CliException"/>s with an exit code and a message a person can act on:
/// connection failures name the endpoint and how to start a silo, authentication failures say where the token came
/// from, validation failures list every field with its reason.
/// </summary>
internal static class RpcErrorTranslator
{
    /// <summary>The command that starts an embedded silo from the repository root.</summary>
    public const string StartSiloHint = "dotnet run --project silo/Oms.Silo";

    /// <summary>Translates <paramref name="exception"/>; <paramref name="flags"/> maps request field paths to CLI flags.</summary>
    public static CliException Translate(RpcException exception, OmsEndpoint endpoint, TokenSource token, IReadOnlyDictionary<string, string>? flags = null)
    {
        var detail = string.IsNullOrWhiteSpace(exception.Status.Detail) ? exception.StatusCode.ToString() : exception.Status.Detail;
        switch (exception.StatusCode)
        {
            case StatusCode.InvalidArgument:
                return InvalidArgument(exception, detail, flags);
            case StatusCode.NotFound:
                return new CliException(ExitCodes.NotFound, "not_found", detail);
            case StatusCode.Unauthenticated:
                return new CliException(ExitCodes.Auth, "unauthenticated", $"authentication failed: {detail}{Environment.NewLine}{token.Explain()}");
            case StatusCode.PermissionDenied:
                return new CliException(ExitCodes.Auth, "permission_denied", $"permission denied: {detail} (token from {token.Origin})");
            case StatusCode.FailedPrecondition or StatusCode.AlreadyExists or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.OutOfRange:
                return new CliException(ExitCodes.Refused, "refused", detail);
            case StatusCode.DeadlineExceeded:
                return new CliException(ExitCodes.Unavailable, "timeout",
                    $"no answer from the OMS at {endpoint} within the timeout ({detail}); raise --timeout or check the silo's health");
            case StatusCode.Unavailable when IsConnectionFailure(exception):
                return NotAnswering(endpoint, exception);
            case StatusCode.Unavailable:
                return new CliException(ExitCodes.Unavailable, "unavailable",
                    $"the OMS at {endpoint} is temporarily unavailable: {detail} (safe to retry: submits are idempotent by client order id)");
            case StatusCode.Cancelled:
                return new CliException(ExitCodes.Interrupted, "cancelled", "the call was cancelled");
            case StatusCode.Unimplemented:
                return new CliException(ExitCodes.Unavailable, "unimplemented",
                    $"the server at {endpoint} does not serve this oms.v1 call ({detail}); is --endpoint the silo's gRPC port?");
            case StatusCode.Internal when IsProtocolFailure(exception):
                return new CliException(ExitCodes.Unavailable, "unavailable",
                    $"the server at {endpoint} does not speak gRPC over HTTP/2 ({detail}); is --endpoint the silo's gRPC port (default 5100)?");
            default:
                return new CliException(ExitCodes.Internal, "internal", $"the OMS failed: {exception.StatusCode}: {detail}");
        }
    }

    /// <summary>The error for "nothing is listening at the endpoint".</summary>
    public static CliException NotAnswering(OmsEndpoint endpoint, Exception? cause = null)
    {
        var reason = Reason(cause);
        return new CliException(ExitCodes.Unavailable, "unavailable",
            $"no OMS silo is answering at {endpoint} — start one with `{StartSiloHint}`" +
            (reason is null ? string.Empty : $" ({reason})") +
            (endpoint.IsDefault ? string.Empty : $"{Environment.NewLine}the endpoint came from {endpoint.Origin}; the embedded silo listens on {OmsEndpoint.DefaultAddress}"));
    }

    private static CliException InvalidArgument(RpcException exception, string detail, IReadOnlyDictionary<string, string>? flags)
    {
        var violations = new List<FieldViolationView>();
        try
        {
            var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
            if (badRequest is not null)
            {
                foreach (var v in badRequest.FieldViolations)
                {
                    violations.Add(new FieldViolationView(v.Field, v.Description, FlagFor(v.Field, flags)));
                }
            }
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            // A malformed detail: the status message still says what was wrong.
        }

        if (violations.Count == 0)
        {
            return new CliException(ExitCodes.Usage, "invalid_argument", $"the OMS rejected the request: {detail}");
        }

        var lines = violations.Select(v => v.Flag is null ? $"  {v.Field}: {v.Description}" : $"  {v.Flag} ({v.Field}): {v.Description}");
        return new CliException(ExitCodes.Usage, "invalid_argument",
            "the OMS rejected the request:" + Environment.NewLine + string.Join(Environment.NewLine, lines), violations);
    }

    private static string? FlagFor(string field, IReadOnlyDictionary<string, string>? flags)
    {
        if (flags is null) return null;
        if (flags.TryGetValue(field, out var flag)) return flag;
        // "order.instrument.symbol" also matches a mapping for "instrument.symbol".
        var dot = field.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && flags.TryGetValue(field[(dot + 1)..], out flag) ? flag : null;
    }

    private static bool IsConnectionFailure(RpcException exception) =>
        exception.Status.DebugException is HttpRequestException or SocketException or IOException
        || exception.Status.Detail.StartsWith("Error connecting to subchannel", StringComparison.Ordinal)
        || exception.Status.Detail.StartsWith("Error starting gRPC call", StringComparison.Ordinal);

    private static bool IsProtocolFailure(RpcException exception) =>
        exception.Status.DebugException is HttpRequestException or HttpProtocolException
        || exception.Status.Detail.StartsWith("Bad gRPC response", StringComparison.Ordinal)
        || exception.Status.Detail.StartsWith("Error starting gRPC call", StringComparison.Ordinal);

    private static string? Reason(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket) return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => "host not found",
                SocketError.TimedOut => "connection timed out",
                _ => socket.Message,
            };
        }
        if (cause is RpcException rpc && rpc.Status.DebugException is { } debug) return Reason(debug) ?? debug.Message;
        return cause?.InnerException?.Message;
    }
}
