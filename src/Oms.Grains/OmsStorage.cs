namespace Oms.Grains;

/// <summary>
/// Grain storage names. The host registers a grain storage provider under <see cref="Name"/> (memory for the
/// embedded profile, ADO.NET/PostgreSQL for the cluster profile); the state names identify each grain's record.
/// </summary>
public static class OmsStorage
{
    /// <summary>The grain storage provider every OMS grain persists to.</summary>
    public const string Name = "oms";

    /// <summary>State name of <see cref="AccountGrain"/>.</summary>
    public const string AccountState = "account";

    /// <summary>State name of <see cref="PositionGrain"/>.</summary>
    public const string PositionState = "position";

    /// <summary>State name of <see cref="RiskLimitGrain"/>.</summary>
    public const string RiskLimitState = "risk";
}
