namespace Oms.Silo.Connectors;

/// <summary>Reconciliation through the account grain (mark reconciling, read the view, end).</summary>
public sealed class GrainAccountReconciliationPort(IGrainFactory grains) : IAccountReconciliationPort
{
    public Task BeginAsync(AccountId account, string reason, CancellationToken cancellationToken = default) =>
        grains.GetAccount(account).BeginReconciliationAsync(reason).WaitAsync(cancellationToken);

    public Task<AccountReconciliationView> GetViewAsync(AccountId account, CancellationToken cancellationToken = default) =>
        grains.GetAccount(account).GetReconciliationViewAsync().WaitAsync(cancellationToken);

    public Task EndAsync(AccountId account, CancellationToken cancellationToken = default) =>
        grains.GetAccount(account).EndReconciliationAsync().WaitAsync(cancellationToken);
}
