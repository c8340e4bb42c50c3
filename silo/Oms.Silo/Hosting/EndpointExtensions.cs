using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Oms.Silo.Hosting;

/// <summary>Kestrel endpoints: gRPC on a plaintext HTTP/2-only port, the dashboard on a separate HTTP/1.1 port.</summary>
public static class EndpointExtensions
{
    public static WebApplicationBuilder AddOmsEndpoints(this WebApplicationBuilder builder)
    {
        var host = OmsHostOptions.Read(builder.Configuration);
        builder.Services.AddOptions<OmsHostOptions>().Bind(builder.Configuration.GetSection(OmsHostOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        var address = IPAddress.Parse(host.ListenAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // HTTP/2 with prior knowledge (h2c): what gRPC clients use without TLS. TLS terminates in front in production.
            kestrel.Listen(address, host.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            if (host.DashboardPort != 0)
            {
                kestrel.Listen(address, host.DashboardPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        return builder;
    }
}
