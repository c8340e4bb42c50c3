using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Oms.Benchmarks.Infrastructure;
using Oms.Connectors.Abstractions;
using Oms.Contracts;
using Oms.Grains;
using Orleans.Serialization;
using Orleans.Storage;

namespace Oms.Benchmarks;

/// <summary>
/// Grain state size, not time: <c>--state-size</c> builds accounts in an <see cref="InProcessSilo"/> and reads their
/// state back from the memory storage, serialized with the silo's Orleans serializer — the bytes every state write of
/// that account serializes and stores. Accounts: 100 open orders (acknowledged, half partially filled) on a fresh
/// account, and the same 100 on a busy one (2,000 orders placed, filled and closed before). A final balance update makes
/// the last write after all of it, as a live account's next event would.
/// </summary>
public static class AccountStateSizeReport
{
    private const int OpenOrders = 100;
    private const int ClosedHistory = 2000;

    public static async Task<int> RunAsync(TextWriter output)
    {
        await using var silo = await InProcessSilo.StartAsync();
        var rows = new List<(string Name, int Open, int Stored, int Reports, int Bytes, int PositionBytes)>();
        var run = $"{Environment.ProcessId}-{DateTime.UtcNow:HHmmss}";
        long trade = 700_000_000;

        foreach (var history in new[] { 0, ClosedHistory })
        {
            var accountId = new AccountId($"size-{run}-{history}");
            var account = await BenchAccounts.ProvisionAsync(silo, accountId);
            var submit = new SubmitOrder { Spec = Realistic.LimitBuy(), RequestedBy = "bench" };
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < history; i++)
            {
                var order = (await account.SubmitOrderAsync(submit)).Order;
                await account.ApplyVenueEventsAsync([Accepted(accountId, order.ClientOrderId, i), GrainSubmitBenchmarks.NewFill(accountId, order.ClientOrderId, ++trade, now)]);
            }
            for (var i = 0; i < OpenOrders; i++)
            {
                var order = (await account.SubmitOrderAsync(submit)).Order;
                var events = new List<VenueEvent> { Accepted(accountId, order.ClientOrderId, history + i) };
                if (i % 2 == 0)
                {
                    var fill = GrainSubmitBenchmarks.NewFill(accountId, order.ClientOrderId, ++trade, now);
                    events.Add(fill with { Fill = fill.Fill with { Quantity = Realistic.Quantity / 2 } });
                }
                await account.ApplyVenueEventsAsync(events);
            }
            await account.ApplyVenueEventsAsync([new VenueBalanceUpdate
            {
                Account = accountId, Timestamp = DateTimeOffset.UtcNow, Source = VenueEventSource.Stream, IsSnapshot = true,
                Balances = [new VenueBalance("USDT", 1_000_000m, 0m), new VenueBalance("BTC", 10m, 0m)],
            }]);
            var (state, bytes) = await StoredAsync<AccountState>(silo, OmsStorage.AccountState, account.GetGrainId());
            var (_, positionBytes) = await StoredAsync<PositionState>(silo, OmsStorage.PositionState, silo.Grains.GetPosition(accountId, Realistic.BtcSpot).GetGrainId());
            rows.Add((history == 0 ? "fresh: 100 open orders" : $"busy: {history:N0} closed + 100 open orders", OpenOrders, state.Orders.Count, state.RecentReports.Count, bytes, positionBytes));
        }

        output.WriteLine("| Account | Orders in state | Reports in state | Account state (bytes per write) | Per open order | Position state |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Name} | {row.Stored} | {row.Reports} | {row.Bytes:N0} | {row.Bytes / row.Open:N0} | {row.PositionBytes:N0} |"));
        }
        return 0;
    }

    private static VenueOrderUpdate Accepted(AccountId account, ClientOrderId clientOrderId, int number) => new()
    {
        Account = account,
        Timestamp = DateTimeOffset.UtcNow,
        Source = VenueEventSource.Stream,
        Instrument = Realistic.BtcSpot,
        ClientOrderId = clientOrderId,
        Kind = VenueOrderEventKind.Accepted,
        VenueOrderId = new VenueOrderId((40_000_000 + number).ToString(CultureInfo.InvariantCulture)),
    };

    private static async Task<(T State, int Bytes)> StoredAsync<T>(InProcessSilo silo, string stateName, GrainId grain)
        where T : class, new()
    {
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(OmsStorage.Name);
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain, state);
        var value = state.State ?? new T();
        return (value, silo.Services.GetRequiredService<Serializer>().SerializeToArray(value).Length);
    }
}
