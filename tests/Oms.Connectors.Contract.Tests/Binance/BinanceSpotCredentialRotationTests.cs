using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Secrets;
using Oms.Simulator.Hosting;
using DomainVenue = Oms.Domain.Venue;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// Keys from the secret store are rotated while orders keep coming: the account's sessions are re-established with the
/// new key, every order submitted meanwhile reaches the venue, and the old key can be revoked without losing anything.
/// </summary>
[Collection(BinanceSpotContractCollection.Name)]
public sealed class BinanceSpotCredentialRotationTests(BinanceSpotContractFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    protected override VenueHarness Venue => fixture.Harness;

    [Fact]
    public async Task A_rotated_key_takes_over_without_losing_an_order()
    {
        var account = new AccountId($"rotate-{Guid.NewGuid().ToString("N")[..10]}");
        var first = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, Balances = BinanceSpotHarness.Funding });
        SetStoredKey(account, first.ApiKey, first.SecretKey!);
        await Account(account).ProvisionAsync(new AccountConfig { Venue = DomainVenue.Binance, Markets = [MarketType.Spot], ClientOrderIdPrefix = "rot" });
        await fixture.WaitUntilReconciledAsync(account);
        var price = Venue.Price * 0.9m;
        await SubmitAsync(account, Limit(OrderSide.Buy, price), "rot-0");
        await WaitForStatusAsync(account, "rot-0", OrderStatus.New);

        // A new key for the same venue account goes into the store; the store's refresh announces the rotation.
        var second = fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = account.Value, ApiKey = SimulatorAccounts.NewKey() });
        SetStoredKey(account, second.ApiKey, second.SecretKey!);
        var before = fixture.Connector.GetWorker(account)!.Pool;
        var store = fixture.Services.GetRequiredService<CachingVenueCredentialStore>();
        await store.RefreshAsync();
        for (var i = 1; i <= 5; i++) await SubmitAsync(account, Limit(OrderSide.Buy, price), $"rot-{i}");
        for (var i = 1; i <= 5; i++) await WaitForStatusAsync(account, $"rot-{i}", OrderStatus.New);

        // The old key is revoked at the venue: the account keeps trading on the new one.
        await WaitForNewSessionsAsync(account, before);
        Assert.True(fixture.Sim.Runtime.RevokeKey(first.ApiKey));
        await SubmitAsync(account, Limit(OrderSide.Buy, price), "rot-6");
        await WaitForStatusAsync(account, "rot-6", OrderStatus.New);
        Assert.True((await Account(account).CancelOrderAsync(new CancelOrder { ClientOrderId = new ClientOrderId("rot-0") })).Accepted);
        await WaitForStatusAsync(account, "rot-0", OrderStatus.Canceled);
        await AssertInSyncAsync(account);
        var requests = fixture.Sim.Runtime.RequestLog.Snapshot(account.Value);
        Assert.Contains(requests, r => r.ApiKey == second.ApiKey);
    }

    private async Task WaitForNewSessionsAsync(AccountId account, object? before)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (fixture.Connector.GetWorker(account)?.Pool is { OpenSessionCount: > 0 } pool && !ReferenceEquals(pool, before)) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"the sessions of {account} were not re-established with the rotated key");
    }

    private static void SetStoredKey(AccountId account, string apiKey, string secret)
    {
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.ApiKey), apiKey);
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.HmacSecret), secret);
    }
}
