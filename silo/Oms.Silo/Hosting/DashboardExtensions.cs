using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Oms.Silo.Hosting;

/// <summary>The Orleans dashboard under <c>/dashboard</c>, served only on the dashboard port.</summary>
public static class DashboardExtensions
{
    public const string PathPrefix = "/dashboard";

    /// <summary>Maps the dashboard when its port is configured; requests for it on any other port get 404.</summary>
    public static WebApplication MapOmsDashboard(this WebApplication app)
    {
        var host = app.Services.GetRequiredService<IOptions<OmsHostOptions>>().Value;
        if (host.DashboardPort == 0) return app;
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase)
                && context.Connection.LocalPort != host.DashboardPort)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.MapOrleansDashboard(routePrefix: PathPrefix);
        return app;
    }
}
