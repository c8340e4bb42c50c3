namespace Oms.Contracts;

/// <summary>Grain references of the risk engine (keys from <see cref="GrainKeys"/>).</summary>
public static class RiskGrainKeys
{
    /// <summary>The firm's limits and trading state (the firm's <see cref="IRiskLimitGrain"/>).</summary>
    public static IRiskLimitGrain GetFirmRiskLimit(this IGrainFactory factory) => factory.GetGrain<IRiskLimitGrain>(GrainKeys.Firm);

    /// <summary>The firm's exposure reservations and member accounts.</summary>
    public static IFirmRiskGrain GetFirmRisk(this IGrainFactory factory) => factory.GetGrain<IFirmRiskGrain>(GrainKeys.Firm);

    /// <summary>The risk side of an account grain (same activation as <see cref="GrainKeys.GetAccount"/>).</summary>
    public static IAccountRiskGrain GetAccountRisk(this IGrainFactory factory, AccountId account) =>
        factory.GetGrain<IAccountRiskGrain>(GrainKeys.Account(account));
}
