using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Oms.Gateway.Auth;
using Oms.Gateway.Errors;
using Oms.Gateway.Services;

namespace Oms.Gateway.Hosting;

/// <summary>Wires the oms.v1 gateway into an ASP.NET Core host that also hosts (or reaches) the Orleans cluster.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the oms.v1 services with authentication and error mapping, gRPC reflection and gRPC health checks
    /// (<c>grpc.health.v1</c>; the host adds the checks that decide SERVING). Options bind from <c>Oms:Gateway</c>
    /// and are validated at start-up.
    /// </summary>
    public static IServiceCollection AddOmsGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddSingleton<ApiClientRegistry>();
        services.TryAddSingleton<AccountDirectory>();
        services.AddSingleton<DevelopmentTokenIssuer>();
        services.AddHostedService(sp => sp.GetRequiredService<DevelopmentTokenIssuer>());

        var grpc = services.AddGrpc(options => options.EnableDetailedErrors = false);
        // Interceptors run outermost first: errors are mapped around authentication and the handler.
        grpc.AddServiceOptions<OrderGrpcService>(AddInterceptors);
        grpc.AddServiceOptions<AccountGrpcService>(AddInterceptors);
        grpc.AddServiceOptions<RiskGrpcService>(AddInterceptors);
        grpc.AddServiceOptions<AdvancedOrderGrpcService>(AddInterceptors);
        grpc.AddServiceOptions<FuturesGrpcService>(AddInterceptors);
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks();
        return services;
    }

    /// <summary>Maps the oms.v1 services, <c>grpc.health.v1.Health</c> and server reflection.</summary>
    public static IEndpointRouteBuilder MapOmsGateway(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<OrderGrpcService>();
        endpoints.MapGrpcService<AccountGrpcService>();
        endpoints.MapGrpcService<RiskGrpcService>();
        endpoints.MapGrpcService<AdvancedOrderGrpcService>();
        endpoints.MapGrpcService<FuturesGrpcService>();
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }

    private static void AddInterceptors<TService>(Grpc.AspNetCore.Server.GrpcServiceOptions<TService> options) where TService : class
    {
        options.Interceptors.Add<ErrorMappingInterceptor>();
        options.Interceptors.Add<AuthenticationInterceptor>();
    }
}
