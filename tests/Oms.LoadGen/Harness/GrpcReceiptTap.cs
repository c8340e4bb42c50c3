using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Oms.Gateway.V1;
using Oms.LoadGen.Measurement;

namespace Oms.LoadGen.Harness;

/// <summary>
/// The moment the in-process silo received each <c>SubmitOrder</c> call, on the same monotonic clock as everything
/// else: a middleware placed first in the silo's pipeline (an <see cref="IStartupFilter"/>) stamps every request when
/// Kestrel hands it over (HTTP/2 headers parsed, body not read yet), and a gRPC server interceptor files that stamp
/// under the request's client order id once the message is decoded. Only ids with the prefix given to
/// <see cref="Begin"/> are kept. This is the start of the "OMS internal overhead" (gRPC request received → WS
/// frame written). In-process silo only; the cost is one <see cref="HttpContext.Items"/> write per request.
/// </summary>
public sealed class GrpcReceiptTap
{
    private const string ItemKey = "oms.loadgen.received";
    private readonly ConcurrentDictionary<string, long> received = new(StringComparer.Ordinal);
    private volatile string? prefix;

    /// <summary>Records receipts of client order ids starting with <paramref name="clientOrderIdPrefix"/> from now on.</summary>
    public void Begin(string clientOrderIdPrefix)
    {
        received.Clear();
        prefix = clientOrderIdPrefix;
    }

    /// <summary>Stops recording; returns the receipt time of every recorded client order id.</summary>
    public IReadOnlyDictionary<string, long> End()
    {
        prefix = null;
        return new Dictionary<string, long>(received, StringComparer.Ordinal);
    }

    /// <summary>Adds the stamping middleware (first in the pipeline) and the interceptor to the silo's services.</summary>
    public void Install(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.AddSingleton<IStartupFilter>(new StampFirst());
        services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<ReceiptInterceptor>());
    }

    private void Record(string clientOrderId, long at)
    {
        var p = prefix;
        if (p is not null && clientOrderId.StartsWith(p, StringComparison.Ordinal)) received.TryAdd(clientOrderId, at);
    }

    private sealed class StampFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Items[ItemKey] = MonoClock.Now;
                return following(context);
            });
            next(app);
        };
    }

    private sealed class ReceiptInterceptor(GrpcReceiptTap tap) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
            UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is SubmitOrderRequest submit)
            {
                var http = context.GetHttpContext();
                var at = http.Items.TryGetValue(ItemKey, out var stamp) && stamp is long t ? t : MonoClock.Now;
                tap.Record(submit.ClientOrderId, at);
            }
            return continuation(request, context);
        }
    }
}
