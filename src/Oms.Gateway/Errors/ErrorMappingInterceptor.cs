using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Oms.Gateway.Errors;

/// <summary>Turns every exception escaping an oms.v1 handler into a proper gRPC status (see <see cref="GrpcErrorMapper"/>).</summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    private RpcException Translate(Exception exception, ServerCallContext context)
    {
        var mapped = GrpcErrorMapper.Map(exception, context.CancellationToken.IsCancellationRequested, out var unexpected);
        if (unexpected)
        {
            logger.LogError(exception, "Unexpected error in {Method}", context.Method);
        }
        else if (mapped.StatusCode == StatusCode.Unavailable)
        {
            logger.LogWarning("{Method} failed transiently and returned UNAVAILABLE: {Error}", context.Method, exception.Message);
        }
        else
        {
            logger.LogDebug("{Method} returned {Status}: {Detail}", context.Method, mapped.StatusCode, mapped.Status.Detail);
        }
        return mapped;
    }
}
