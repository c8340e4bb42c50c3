using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oms.Secrets.AzureKeyVault;
using Oms.Secrets.Local;
using Oms.Secrets.Vault;

namespace Oms.Secrets;

/// <summary>Registers the venue credential store.</summary>
public static class OmsSecretsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store chosen by <c>Oms:Secrets:Provider</c> (options validated at start), the caching
    /// <see cref="IVenueCredentialStore"/> (also <see cref="ICredentialRotationNotifier"/> and
    /// <see cref="CachingVenueCredentialStore"/>), <see cref="ISecretStoreHealthCheck"/> and the rotation polling
    /// hosted service. Uses a registered <see cref="TimeProvider"/>, else the system clock.
    /// <paramref name="configuration"/> is the application configuration (the <c>Oms:Secrets</c> section is read from it);
    /// <paramref name="configure"/> sets code-only settings, e.g. an Azure credential or SDK transport.
    /// </summary>
    public static IServiceCollection AddOmsSecrets(this IServiceCollection services, IConfiguration configuration, Action<OmsSecretsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<OmsSecretsOptions>().Bind(configuration.GetSection(OmsSecretsOptions.SectionName));
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OmsSecretsOptions>, OmsSecretsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecretStoreBackend>(CreateBackend);
        services.TryAddSingleton(sp => new CachingVenueCredentialStore(
            sp.GetRequiredService<ISecretStoreBackend>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CachingVenueCredentialStore>>()));
        services.TryAddSingleton<IVenueCredentialStore>(sp => sp.GetRequiredService<CachingVenueCredentialStore>());
        services.TryAddSingleton<ICredentialRotationNotifier>(sp => sp.GetRequiredService<CachingVenueCredentialStore>());
        services.TryAddSingleton<ISecretStoreHealthCheck, SecretStoreHealthCheck>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CredentialRotationPollingService>());
        return services;
    }

    private static ISecretStoreBackend CreateBackend(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<OmsSecretsOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        ISecretStoreBackend backend = options.Provider switch
        {
            SecretStoreProvider.Vault => new VaultSecretStore(options.Vault, time, loggers),
            SecretStoreProvider.AzureKeyVault => AzureKeyVaultSecretStore.Create(options.AzureKeyVault, time, loggers.CreateLogger<AzureKeyVaultSecretStore>()),
            _ => new LocalSecretStore(options.Local, time, loggers.CreateLogger<LocalSecretStore>()),
        };
        loggers.CreateLogger(typeof(OmsSecretsServiceCollectionExtensions).FullName!)
            .LogInformation("Venue credentials come from {Store} ({Settings})", backend.Description, options.ToString());
        return backend;
    }
}
