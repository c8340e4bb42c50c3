using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client;
using Oms.Cli.Errors;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Connection;

/// <summary>
/// One gRPC channel to the silo with the oms.v1 clients. Every unary call carries the bearer token and the
/// <c>--timeout</c> deadline; failures become <see cref="CliException"/>s with the CLI's exit codes.
/// </summary>
internal sealed class OmsConnection : IAsyncDisposable
{
    private readonly GrpcChannel channel;

    public OmsConnection(OmsEndpoint endpoint, TokenSource token, TimeSpan timeout)
    {
        Endpoint = endpoint;
        Token = token;
        Timeout = timeout;
        channel = GrpcChannel.ForAddress(endpoint.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = timeout < TimeSpan.FromSeconds(10) ? timeout : TimeSpan.FromSeconds(10),
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            },
            DisposeHttpClient = true,
        });
        Orders = new Wire.OrderService.OrderServiceClient(channel);
        Accounts = new Wire.AccountService.AccountServiceClient(channel);
        Risk = new Wire.RiskService.RiskServiceClient(channel);
    }

    public OmsEndpoint Endpoint { get; }

    public TokenSource Token { get; }

    public TimeSpan Timeout { get; }

    public Wire.OrderService.OrderServiceClient Orders { get; }

    public Wire.AccountService.AccountServiceClient Accounts { get; }

    public Wire.RiskService.RiskServiceClient Risk { get; }

    /// <summary>Call options with the token; a deadline of <see cref="Timeout"/> unless <paramref name="withDeadline"/> is false (streams).</summary>
    public CallOptions Options(CancellationToken cancellationToken, bool withDeadline = true)
    {
        var headers = new Metadata();
        if (Token.Token is { } token) headers.Add("authorization", "Bearer " + token);
        return new CallOptions(headers, withDeadline ? DateTime.UtcNow.Add(Timeout) : null, cancellationToken);
    }

    /// <summary>
    /// Runs one unary call and translates its failure. <paramref name="flags"/> maps request field paths (as the
    /// gateway names them in INVALID_ARGUMENT details) to the CLI flags they came from.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? flags = null)
    {
        try
        {
            using var pending = call(Options(cancellationToken));
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException ex)
        {
            throw RpcErrorTranslator.Translate(ex, Endpoint, Token, flags);
        }
    }

    /// <summary>Translates a failure of a streaming call.</summary>
    public CliException Translate(RpcException exception) => RpcErrorTranslator.Translate(exception, Endpoint, Token);

    public async ValueTask DisposeAsync()
    {
        await channel.ShutdownAsync().ConfigureAwait(false);
        channel.Dispose();
    }
}
