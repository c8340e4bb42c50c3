using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Oms.Simulator.Hosting;

/// <summary>
/// Standalone entry point: <c>dotnet run --project src/Oms.Simulator</c>. Configuration: <c>simulator.json</c> (shipped
/// seed), an optional <c>appsettings.json</c>, <c>OMS_</c>-prefixed environment variables, then command-line arguments.
/// </summary>
public static class SimulatorProgram
{
    public static async Task RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("simulator.json", optional: true)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("OMS_")
            .AddCommandLine(args)
            .Build();
        var options = configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>() ?? new SimulatorOptions();
        var market = configuration.GetSection(MarketSeedOptions.SectionName).Get<MarketSeedOptions>();
        if (market is null || (market.SpotInstruments.Count == 0 && market.FuturesInstruments.Count == 0))
        {
            market = MarketSeedOptions.Default();
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        await using var host = await SimulatorHost.StartAsync(options, market, logging: b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft.AspNetCore", LogLevel.Warning)).ConfigureAwait(false);
        Console.WriteLine($"Oms.Simulator (Binance spot + USD-M) listening: REST {host.Urls.Rest}  WS API spot {host.Urls.SpotWsApi}  futures {host.Urls.FuturesWsApi}  streams {host.Urls.SpotStreams}  admin {host.Urls.Admin}");
        foreach (var account in host.DemoAccounts)
        {
            Console.WriteLine($"demo account '{account.AccountId}' (SIMULATOR-ONLY demo credentials): apiKey={account.ApiKey}"
                + (account.SecretKey is null ? string.Empty : $" secretKey={account.SecretKey}"));
            if (account.Ed25519PrivateKeyPem is not null)
            {
                Console.WriteLine("  Ed25519 private key (demo only):");
                Console.WriteLine(account.Ed25519PrivateKeyPem);
            }
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
