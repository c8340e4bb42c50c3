namespace Oms.Silo.Accounts;

public static class AccountProvisioningExtensions
{
    /// <summary>
    /// Provisions <c>Oms:Accounts</c> after the silo starts and adds the readiness health check. Call after
    /// <c>AddOmsOrleans</c> so the provisioner starts after the silo.
    /// </summary>
    public static WebApplicationBuilder AddOmsAccountProvisioning(this WebApplicationBuilder builder)
    {
        var accounts = AccountOptions.Read(builder.Configuration);
        builder.Services.AddSingleton(accounts);
        builder.Services.AddSingleton<SiloReadiness>();
        builder.Services.AddHostedService<AccountProvisioner>();
        builder.Services.AddHealthChecks().AddCheck<SiloReadinessHealthCheck>("silo-ready");
        return builder;
    }
}
