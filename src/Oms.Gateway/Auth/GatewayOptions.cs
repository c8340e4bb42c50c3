using System.ComponentModel.DataAnnotations;

namespace Oms.Gateway.Auth;

/// <summary>What an API client may do on an account.</summary>
public enum GatewayPermission
{
    /// <summary>Queries: orders, balances, positions, execution reports, risk policy and audit.</summary>
    Read = 1,
    /// <summary>Submit, cancel and amend orders.</summary>
    Trade = 2,
    /// <summary>Change risk limits and the trading state (halt, resume).</summary>
    Risk = 3,
    /// <summary>Open the Orleans dashboard (cluster-wide: only a grant on <c>*</c> counts).</summary>
    Dashboard = 4,
}

/// <summary>Gateway settings, bound from <c>Oms:Gateway</c> and validated at start-up.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Oms:Gateway";

    /// <summary>API clients. Tokens are never configured in plain text: only their SHA-256 (hex).</summary>
    public List<GatewayClientOptions> Clients { get; set; } = [];

    /// <summary>
    /// A development client whose token is generated at start-up, printed once and written to
    /// <see cref="DevelopmentClientOptions.TokenFile"/>. On in the embedded profile only.
    /// </summary>
    public DevelopmentClientOptions DevelopmentClient { get; set; } = new();

    /// <summary>How long one long-poll for execution reports waits on the account grain (below the grain call timeout).</summary>
    public TimeSpan StreamPollWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many reports one poll returns at most.</summary>
    [Range(1, 10_000)]
    public int StreamBatchSize { get; set; } = 500;

    /// <summary>How long a stream keeps retrying transient cluster errors (failover) before it ends with UNAVAILABLE.</summary>
    public TimeSpan StreamRetryBudget { get; set; } = TimeSpan.FromSeconds(90);
}

public sealed class GatewayClientOptions
{
    /// <summary>The client's name (audit: who submitted, who halted).</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Name { get; set; } = string.Empty;

    /// <summary>SHA-256 of the bearer token, 64 hex characters (<c>printf %s "$TOKEN" | sha256sum</c>).</summary>
    [Required, RegularExpression("^[0-9a-fA-F]{64}$", ErrorMessage = "TokenSha256 must be 64 hexadecimal characters (the SHA-256 of the token, never the token).")]
    public string TokenSha256 { get; set; } = string.Empty;

    /// <summary>Permissions per account; <c>*</c> grants on every account.</summary>
    public List<AccountGrantOptions> Grants { get; set; } = [];

    public override string ToString() => $"{Name} (token sha256 {TokenSha256[..Math.Min(8, TokenSha256.Length)]}…, {Grants.Count} grant(s))";
}

public sealed class AccountGrantOptions
{
    /// <summary>An account id, or <c>*</c> for every account.</summary>
    [Required]
    public string Account { get; set; } = string.Empty;

    public List<GatewayPermission> Permissions { get; set; } = [];
}

public sealed class DevelopmentClientOptions
{
    public bool Enabled { get; set; }

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Name { get; set; } = "dev";

    /// <summary>Where the generated token is written (relative to the working directory); empty: not written.</summary>
    public string TokenFile { get; set; } = ".oms/dev-token";

    /// <summary>The dev client's permissions; by default everything on every account.</summary>
    public List<GatewayPermission> Permissions { get; set; } =
        [GatewayPermission.Read, GatewayPermission.Trade, GatewayPermission.Risk, GatewayPermission.Dashboard];
}
