namespace Oms.Contracts;

/// <summary>Builds and parses every grain key in one place.</summary>
public static class GrainKeys
{
    /// <summary>The key of the firm-wide risk grain (parent of every account's risk grain).</summary>
    public const string Firm = "$firm";

    private const char Separator = '|';

    public static string Account(AccountId account) => account.Value;

    public static string RiskLimit(AccountId account) => account.Value;

    public static string Position(AccountId account, InstrumentId instrument) => $"{account.Value}{Separator}{instrument}";

    public static (AccountId Account, InstrumentId Instrument) ParsePosition(string key)
    {
        var index = key.IndexOf(Separator, StringComparison.Ordinal);
        if (index <= 0 || !AccountId.TryParse(key[..index], out var account) || !InstrumentId.TryParse(key[(index + 1)..], out var instrument))
        {
            throw new ArgumentException($"'{key}' is not a position grain key (expected ACCOUNT|VENUE:MARKET:SYMBOL)", nameof(key));
        }
        return (account, instrument);
    }

    public static IAccountGrain GetAccount(this IGrainFactory factory, AccountId account) =>
        factory.GetGrain<IAccountGrain>(Account(account));

    public static IPositionGrain GetPosition(this IGrainFactory factory, AccountId account, InstrumentId instrument) =>
        factory.GetGrain<IPositionGrain>(Position(account, instrument));

    public static IRiskLimitGrain GetRiskLimit(this IGrainFactory factory, AccountId account) =>
        factory.GetGrain<IRiskLimitGrain>(RiskLimit(account));
}
