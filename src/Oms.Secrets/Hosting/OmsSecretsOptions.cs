using Oms.Secrets.AzureKeyVault;
using Oms.Secrets.Local;
using Oms.Secrets.Vault;

namespace Oms.Secrets;

/// <summary>Which secret store serves venue credentials.</summary>
public enum SecretStoreProvider
{
    /// <summary>Environment variables and a JSON file outside the repository (development, the embedded profile).</summary>
    Local = 0,

    /// <summary>HashiCorp Vault KV v2 over its HTTP API.</summary>
    Vault = 1,

    /// <summary>Azure Key Vault through the Azure SDK.</summary>
    AzureKeyVault = 2,
}

/// <summary>
/// Secret store settings, bound from <c>Oms:Secrets</c> and validated at start-up by <see cref="OmsSecretsOptionsValidator"/>.
/// Only the section of the chosen <see cref="Provider"/> is validated and used.
/// </summary>
public sealed class OmsSecretsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Oms:Secrets";

    /// <summary>The store. Default: <see cref="SecretStoreProvider.Local"/>.</summary>
    public SecretStoreProvider Provider { get; set; } = SecretStoreProvider.Local;

    /// <summary>How often cached credentials are checked for a new version. Default: 1 minute; at least 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Turns rotation polling off (rotated keys then need a restart). Default: true.</summary>
    public bool RotationPollingEnabled { get; set; } = true;

    public LocalSecretStoreOptions Local { get; set; } = new();

    public VaultSecretStoreOptions Vault { get; set; } = new();

    public AzureKeyVaultSecretStoreOptions AzureKeyVault { get; set; } = new();

    /// <summary>Describes the settings of the chosen provider with every secret shown as <c>***</c>.</summary>
    public override string ToString() =>
        $"Provider={Provider}; PollInterval={PollInterval}; RotationPollingEnabled={RotationPollingEnabled}; " + Provider switch
        {
            SecretStoreProvider.Vault => $"Vault: {Vault}",
            SecretStoreProvider.AzureKeyVault => $"AzureKeyVault: {AzureKeyVault}",
            _ => $"Local: {Local}",
        };
}
