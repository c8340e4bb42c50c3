using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Oms.Gateway.Auth;
using Orleans.Dashboard;

namespace Oms.Silo.Hosting;

/// <summary>Dashboard settings, bound from <c>Oms:Dashboard</c>.</summary>
public sealed class OmsDashboardOptions
{
    public const string SectionName = "Oms:Dashboard";

    /// <summary>
    /// Require HTTP Basic authentication: any user name, an API token as the password, whose client holds the
    /// <see cref="GatewayPermission.Dashboard"/> permission on <c>*</c>. Off in the embedded profile, on in the cluster profile.
    /// </summary>
    public bool RequireAuthentication { get; set; }
}

/// <summary>The Orleans dashboard under <c>/dashboard</c>, served only on the dashboard port.</summary>
public static class DashboardExtensions
{
    public const string PathPrefix = "/dashboard";

    /// <summary>Maps the dashboard when its port is configured; requests for it on any other port get 404.</summary>
    public static WebApplication MapOmsDashboard(this WebApplication app)
    {
        var host = app.Services.GetRequiredService<IOptions<OmsHostOptions>>().Value;
        if (host.DashboardPort == 0) return app;
        var settings = app.Configuration.GetSection(OmsDashboardOptions.SectionName).Get<OmsDashboardOptions>() ?? new OmsDashboardOptions();
        var registry = app.Services.GetRequiredService<ApiClientRegistry>();
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase)) return next(context);
            if (context.Connection.LocalPort != host.DashboardPort)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            if (settings.RequireAuthentication)
            {
                var status = Authorize(context.Request.Headers.Authorization.ToString(), registry);
                if (status != StatusCodes.Status200OK)
                {
                    context.Response.StatusCode = status;
                    if (status == StatusCodes.Status401Unauthorized)
                        context.Response.Headers.WWWAuthenticate = "Basic realm=\"oms-dashboard\", charset=\"UTF-8\"";
                    return Task.CompletedTask;
                }
            }
            return next(context);
        });
        app.MapOrleansDashboard(routePrefix: PathPrefix);
        return app;
    }

    /// <summary>
    /// Checks an <c>Authorization</c> header for the dashboard: 200 when it carries (as the Basic password) the token
    /// of a client allowed to open the dashboard, 403 for a known client without that permission, 401 otherwise.
    /// </summary>
    public static int Authorize(string? authorization, ApiClientRegistry registry)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return StatusCodes.Status401Unauthorized;
        }
        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return StatusCodes.Status401Unauthorized;
        }
        var separator = credentials.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0 || !registry.TryAuthenticate(credentials[(separator + 1)..], out var client))
        {
            return StatusCodes.Status401Unauthorized;
        }
        return client.AllowsEverywhere(GatewayPermission.Dashboard) ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
    }
}
