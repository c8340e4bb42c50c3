using Grpc.Core.Interceptors;

namespace Oms.Gateway.Auth;

/// <summary>
/// Authenticates every call to the oms.v1 services from its <c>authorization: Bearer &lt;token&gt;</c> metadata and
/// attaches the <see cref="ApiClient"/> to the call. Missing or unknown tokens end the call with UNAUTHENTICATED.
/// Per-account permissions are checked by the services (the account is in the request).
/// </summary>
public sealed class AuthenticationInterceptor(ApiClientRegistry registry) : Interceptor
{
    private const string ClientKey = "oms.api-client";

    /// <summary>The client authenticated for this call.</summary>
    public static ApiClient GetClient(ServerCallContext context) =>
        context.UserState.TryGetValue(ClientKey, out var value) && value is ApiClient client
            ? client
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "the call was not authenticated"));

    /// <summary>Returns the caller after checking it holds <paramref name="permission"/> on <paramref name="account"/>.</summary>
    public static ApiClient Demand(ServerCallContext context, AccountId account, GatewayPermission permission)
    {
        var client = GetClient(context);
        if (!client.Allows(account, permission))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"client '{client.Name}' has no {permission.ToString().ToUpperInvariant()} permission on account '{account}'"));
        }
        return client;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing 'authorization: Bearer <token>' metadata"));
        }
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the authorization metadata must be 'Bearer <token>'"));
        }
        if (!registry.TryAuthenticate(header[scheme.Length..].Trim(), out var client))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown API token"));
        }
        context.UserState[ClientKey] = client;
    }
}
