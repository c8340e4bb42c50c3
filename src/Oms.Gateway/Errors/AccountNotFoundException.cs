namespace Oms.Gateway.Errors;

/// <summary>The request names an account that was never provisioned. Mapped to NOT_FOUND.</summary>
public sealed class AccountNotFoundException(AccountId account)
    : Exception($"account '{account}' does not exist")
{
    public AccountId Account { get; } = account;
}
