using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace Oms.Secrets.AzureKeyVault;

/// <summary>Azure Key Vault settings (<c>Oms:Secrets:AzureKeyVault</c>).</summary>
public sealed class AzureKeyVaultSecretStoreOptions
{
    /// <summary>The vault URI, absolute https URL, e.g. <c>https://oms-prod.vault.azure.net/</c>. Required.</summary>
    public string? VaultUri { get; set; }

    /// <summary>Secret name template with <c>{venue}</c>, <c>{account}</c>, <c>{field}</c>. Default: <c>oms-{venue}-{account}-{field}</c>. See <see cref="SecretNaming"/>.</summary>
    public string NameTemplate { get; set; } = "oms-{venue}-{account}-{field}";

    /// <summary>Client id of a user-assigned managed identity for <c>DefaultAzureCredential</c>. Optional.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Tenant for <c>DefaultAzureCredential</c>. Optional.</summary>
    public string? TenantId { get; set; }

    /// <summary>Code-only: the credential to use instead of <c>DefaultAzureCredential</c> (tests, workload identity set up by the host).</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Code-only: SDK client options (transport, retry, service version). Default: the SDK's defaults.</summary>
    public SecretClientOptions? ClientOptions { get; set; }

    /// <summary>Describes the settings; nothing here is secret.</summary>
    public override string ToString() =>
        $"VaultUri={VaultUri}; NameTemplate={NameTemplate}; ManagedIdentityClientId={ManagedIdentityClientId ?? "(none)"}; " +
        $"TenantId={TenantId ?? "(default)"}; Credential={(Credential is null ? "DefaultAzureCredential" : Credential.GetType().Name)}";
}
