using System.Collections.Frozen;

namespace Oms.Gateway.Auth;

/// <summary>An authenticated API client and what it may do, per account.</summary>
public sealed class ApiClient
{
    private readonly FrozenDictionary<string, FrozenSet<GatewayPermission>> grants;
    private readonly FrozenSet<GatewayPermission> everyAccount;

    public ApiClient(string name, IEnumerable<AccountGrantOptions> grants)
    {
        Name = name;
        var list = grants.ToList();
        this.grants = list.Where(g => g.Account != "*")
            .GroupBy(g => g.Account, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.SelectMany(x => x.Permissions).ToFrozenSet(), StringComparer.Ordinal);
        everyAccount = list.Where(g => g.Account == "*").SelectMany(g => g.Permissions).ToFrozenSet();
    }

    public string Name { get; }

    public bool Allows(AccountId account, GatewayPermission permission) =>
        everyAccount.Contains(permission) || (grants.TryGetValue(account.Value, out var set) && set.Contains(permission));

    /// <summary>Whether the client holds <paramref name="permission"/> on every account (a grant on <c>*</c>).</summary>
    public bool AllowsEverywhere(GatewayPermission permission) => everyAccount.Contains(permission);

    public override string ToString() => Name;
}
