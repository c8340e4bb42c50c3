using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.WebSocket;

namespace Oms.Connectors.Contract.Tests.Infrastructure;

/// <summary>Latency measurements that are printed, never asserted.</summary>
public static class Measurements
{
    /// <summary>Milliseconds from starting a WebSocket API session pool (the connector's own) until a session is open and logged on.</summary>
    public static async Task<double> SessionConnectAndLogonAsync(EmbeddedOms oms, AccountId account)
    {
        var context = oms.Services.GetRequiredService<BinanceApiContext>();
        using var credentials = oms.Simulator.TryGetCredentials(account) ?? throw new InvalidOperationException($"no simulator key for {account}");
        await using var pool = new BinanceWsApiSessionPool(context, context.Options.SpotWebSocketApiAddress, credentials, account.Value);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var started = Stopwatch.GetTimestamp();
        pool.Start();
        await pool.WaitForOpenSessionAsync(timeout.Token);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var index = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
