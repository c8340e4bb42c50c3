using System.Text;
using Oms.Connectors.Contract.Tests.Infrastructure;

namespace Oms.Connectors.Contract.Tests.Contract;

/// <summary>
/// What every contract scenario uses: the OMS (through the account grains, which route to the real connector), the
/// venue harness, bounded waits, and the check that ends every scenario — the OMS's orders, fills and balances equal
/// the venue's, exactly.
/// </summary>
public abstract class ContractScenarios(EmbeddedOms oms, ITestOutputHelper output) : IAsyncLifetime
{
    protected static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    protected EmbeddedOms Oms { get; } = oms;

    protected ITestOutputHelper Output { get; } = output;

    protected abstract VenueHarness Venue { get; }

    public virtual async Task InitializeAsync()
    {
        await Venue.ClearFaultsAsync();
        await Venue.ClearCounterpartyAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Venue.ClearFaultsAsync();
        await Venue.ClearCounterpartyAsync();
    }

    protected IAccountGrain Account(AccountId account) => Oms.Grains.GetAccount(account);

    protected OrderSpec Limit(OrderSide side, decimal price, decimal? quantity = null, TimeInForce timeInForce = TimeInForce.Gtc) => new()
    {
        Instrument = Venue.Instrument, Side = side, Type = OrderType.Limit, Quantity = quantity ?? Venue.Quantity, LimitPrice = price, TimeInForce = timeInForce,
    };

    protected async Task<OrderSnapshot> SubmitAsync(AccountId account, OrderSpec spec, string clientOrderId)
    {
        var result = await Account(account).SubmitOrderAsync(new SubmitOrder { Spec = spec, ClientOrderId = new ClientOrderId(clientOrderId), RequestedBy = "contract" });
        Assert.True(result.Created, $"order {clientOrderId} was not created: {result.Order}");
        Assert.True(result.Order.Status != OrderStatus.Denied, $"order {clientOrderId} was denied: {result.Order.Denial}");
        return result.Order;
    }

    /// <summary>Polls the order until <paramref name="done"/> holds (bounded); fails with the last state seen.</summary>
    protected async Task<OrderSnapshot> WaitForOrderAsync(AccountId account, string clientOrderId, Func<OrderSnapshot, bool> done, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        OrderSnapshot? last = null;
        while (true)
        {
            last = await Account(account).GetOrderAsync(new ClientOrderId(clientOrderId));
            if (last is not null && done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"order {clientOrderId} did not reach the expected state; last seen: {last}");
            await Task.Delay(25);
        }
    }

    protected Task<OrderSnapshot> WaitForStatusAsync(AccountId account, string clientOrderId, OrderStatus status, TimeSpan? wait = null) =>
        WaitForOrderAsync(account, clientOrderId, o => o.Status == status, wait);

    /// <summary>Every report the account's execution-report stream still holds for one order.</summary>
    protected async Task<IReadOnlyList<ExecutionReport>> ReportsOfAsync(AccountId account, string clientOrderId)
    {
        var batch = await Account(account).ReadExecutionReportsAsync(0, 10_000, TimeSpan.Zero);
        return batch.Reports.Where(r => r.Order.ClientOrderId.Value == clientOrderId).ToList();
    }

    /// <summary>
    /// Waits (bounded) until the OMS mirrors the venue exactly, then asserts it: every venue order exists in the OMS with
    /// the same status, quantity and filled quantity (and nothing the venue does not know is open in the OMS); each
    /// order's average price and fees equal those of its venue trades; each instrument's position counts exactly the
    /// venue's trades (nothing lost, nothing doubled); on a market with venue positions (futures) every position has the
    /// venue's quantity, entry price and realized PnL (the OMS's net realized PnL plus its fees equals the venue's
    /// realized PnL before fees); every balance is equal.
    /// </summary>
    protected async Task AssertInSyncAsync(AccountId account, bool compareBalances = true)
    {
        var deadline = DateTime.UtcNow + DefaultWait;
        IReadOnlyList<string> differences;
        while (true)
        {
            differences = await DifferencesAsync(account, compareBalances);
            if (differences.Count == 0) return;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        var message = new StringBuilder($"the OMS does not mirror the venue for account {account}:");
        foreach (var difference in differences) message.AppendLine().Append("  ").Append(difference);
        throw new Xunit.Sdk.XunitException(message.ToString());
    }

    private async Task<IReadOnlyList<string>> DifferencesAsync(AccountId account, bool compareBalances)
    {
        var differences = new List<string>();
        var venue = await Venue.ReadAsync(account);
        var grain = Account(account);
        var orders = (await grain.ListOrdersAsync(new OrderQuery { Limit = 10_000 })).ToDictionary(o => o.ClientOrderId);
        var venueIds = new HashSet<ClientOrderId>();
        foreach (var venueOrder in venue.Orders)
        {
            venueIds.Add(venueOrder.ClientOrderId);
            if (!orders.TryGetValue(venueOrder.ClientOrderId, out var mine))
            {
                differences.Add($"venue order {venueOrder.ClientOrderId} ({venueOrder.Status}) is unknown to the OMS");
                continue;
            }
            if (mine.Status != venueOrder.Status) differences.Add($"order {mine.ClientOrderId}: OMS {mine.Status}, venue {venueOrder.Status}");
            if (mine.Quantity != venueOrder.Quantity) differences.Add($"order {mine.ClientOrderId}: OMS quantity {mine.Quantity}, venue {venueOrder.Quantity}");
            if (mine.FilledQuantity != venueOrder.Filled) differences.Add($"order {mine.ClientOrderId}: OMS filled {mine.FilledQuantity}, venue {venueOrder.Filled}");
            var trades = venue.Trades.Where(t => t.ClientOrderId == mine.ClientOrderId).ToList();
            var quantity = trades.Sum(t => t.Quantity);
            if (quantity > 0m)
            {
                var average = trades.Sum(t => t.Quantity * t.Price) / quantity;
                if (decimal.Round(mine.AveragePrice, 8) != decimal.Round(average, 8))
                    differences.Add($"order {mine.ClientOrderId}: OMS average price {mine.AveragePrice}, venue {average}");
            }
            foreach (var fee in trades.GroupBy(t => t.FeeAsset).Where(g => g.Sum(t => t.Fee) != 0m))
            {
                var charged = mine.Fees.Where(f => f.Asset == fee.Key).Sum(f => f.Amount);
                if (charged != fee.Sum(t => t.Fee)) differences.Add($"order {mine.ClientOrderId}: OMS fees {charged} {fee.Key}, venue {fee.Sum(t => t.Fee)} {fee.Key}");
            }
        }
        foreach (var mine in orders.Values)
        {
            if (venueIds.Contains(mine.ClientOrderId)) continue;
            if (mine.Status is not (OrderStatus.Denied or OrderStatus.Rejected))
                differences.Add($"OMS order {mine.ClientOrderId} is {mine.Status} but the venue has no such order");
        }

        var positions = await grain.GetPositionsAsync();
        foreach (var instrument in venue.Trades.Select(t => t.Instrument).Distinct())
        {
            var venueCount = venue.Trades.Count(t => t.Instrument == instrument);
            var omsCount = positions.Where(p => p.Instrument == instrument).Sum(p => p.FillCount);
            if (omsCount != venueCount) differences.Add($"{instrument}: the OMS applied {omsCount} fills, the venue has {venueCount} trades");
        }

        if (venue.Positions is { } venuePositions)
        {
            var market = Venue.Instrument.Market;
            var mine = positions.Where(p => p.Instrument.Venue == Venue.Instrument.Venue && p.Instrument.Market == market).ToList();
            foreach (var key in venuePositions.Select(p => (p.Instrument, p.Side)).Union(mine.Select(p => (p.Instrument, p.Side))).Distinct())
            {
                var theirs = venuePositions.Where(p => p.Instrument == key.Instrument && p.Side == key.Side).ToList();
                var ours = mine.Where(p => p.Instrument == key.Instrument && p.Side == key.Side).ToList();
                var venueQuantity = theirs.Sum(p => p.Quantity);
                var omsQuantity = ours.Sum(p => p.Quantity);
                var label = $"position {key.Instrument} {key.Side}";
                if (omsQuantity != venueQuantity) differences.Add($"{label}: OMS quantity {omsQuantity}, venue {venueQuantity}");
                if (venueQuantity != 0m && omsQuantity == venueQuantity)
                {
                    var venueEntry = theirs.Single(p => p.Quantity != 0m).EntryPrice;
                    var omsEntry = ours.Single(p => p.Quantity != 0m).AverageEntryPrice;
                    if (decimal.Round(omsEntry, 8) != decimal.Round(venueEntry, 8)) differences.Add($"{label}: OMS entry price {omsEntry}, venue {venueEntry}");
                }
                var venueRealized = theirs.Sum(p => p.RealizedPnl);
                var omsRealized = ours.Sum(p => p.RealizedPnl + p.Fees);
                if (decimal.Round(omsRealized, 8) != decimal.Round(venueRealized, 8))
                    differences.Add($"{label}: OMS realized PnL before fees {omsRealized}, venue {venueRealized}");
            }
        }

        if (compareBalances)
        {
            var balances = (await grain.GetBalancesAsync()).ToDictionary(b => b.Asset);
            foreach (var asset in venue.Balances.Keys.Union(balances.Keys))
            {
                var (free, locked) = venue.Balances.TryGetValue(asset, out var v) ? v : (0m, 0m);
                var (omsFree, omsLocked) = balances.TryGetValue(asset, out var b) ? (b.Free, b.Locked) : (0m, 0m);
                if (free != omsFree || locked != omsLocked) differences.Add($"balance {asset}: OMS {omsFree}/{omsLocked}, venue {free}/{locked} (free/locked)");
            }
        }
        return differences;
    }
}
