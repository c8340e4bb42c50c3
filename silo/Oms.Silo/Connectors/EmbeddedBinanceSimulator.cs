using System.Collections.Concurrent;
using System.Security.Cryptography;
using Oms.Connectors.Binance;
using Oms.Connectors.Binance.Signing;
using Oms.Simulator.Hosting;
using Oms.Silo.Accounts;

namespace Oms.Silo.Connectors;

/// <summary>
/// The Binance simulator running inside the silo (embedded profile): started on loopback before the Orleans silo, with
/// one simulator account per configured Binance account (same id, demo balances) and a freshly generated Ed25519 key
/// each — never stored anywhere but this process. Also the key source for those accounts.
/// </summary>
public sealed class EmbeddedBinanceSimulator : IHostedService, IAsyncDisposable
{
    /// <summary>Service key of an optional <see cref="TimeProvider"/> for the simulator's clock (tests skew it).</summary>
    public const string ClockServiceKey = "oms.simulator.clock";

    private readonly EmbeddedSimulatorOptions _options;
    private readonly BinanceOptions _binance;
    private readonly IReadOnlyList<AccountOptions> _accounts;
    private readonly TimeProvider? _clock;
    private readonly ILogger<EmbeddedBinanceSimulator> _logger;
    private readonly ConcurrentDictionary<AccountId, (string ApiKey, byte[] Seed)> _keys = new();
    private readonly TaskCompletionSource<SimulatorHost> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SimulatorHost? _host;
    private int _disposed;

    public EmbeddedBinanceSimulator(EmbeddedSimulatorOptions options, BinanceOptions binance, IReadOnlyList<AccountOptions> accounts,
        TimeProvider? clock, ILogger<EmbeddedBinanceSimulator> logger)
    {
        _options = options;
        _binance = binance;
        _accounts = accounts;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The running simulator (admin controls, faults, inspection). Throws before start.</summary>
    public SimulatorHost Host => _host ?? throw new InvalidOperationException("the embedded Binance simulator has not started");

    /// <summary>Completes once the simulator listens and the demo accounts exist.</summary>
    public Task<SimulatorHost> Started => _started.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var host = await SimulatorHost.StartAsync(new SimulatorOptions { Port = _options.Port, GenerateDemoAccounts = false }, clock: _clock,
            cancellationToken: cancellationToken);
        _host = host;
        // Point the Binance connector at it (the options are read when the connector is first used, after this).
        _binance.SpotRestBaseAddress = host.Urls.Rest;
        _binance.SpotWebSocketApiAddress = host.Urls.SpotWsApi;
        _binance.SpotMarketStreamAddress = host.Urls.SpotStreams;
        _binance.UsdMRestBaseAddress = host.Urls.Rest;
        _binance.UsdMWebSocketApiAddress = host.Urls.FuturesWsApi;
        _binance.UsdMStreamAddress = host.Urls.FuturesStreams;
        foreach (var account in _accounts.Where(a => a.Venue == Venue.Binance))
        {
            CreateAccount(new AccountId(account.Id), _options.DemoBalances, _options.DemoFuturesBalances);
        }
        _logger.LogInformation("Embedded Binance simulator on {Rest} (WS API {WsApi}); demo accounts: {Accounts}", host.Urls.Rest, host.Urls.SpotWsApi,
            string.Join(", ", _keys.Keys.Select(k => k.Value)));
        _started.TrySetResult(host);
    }

    /// <summary>
    /// Creates an account in the simulator (same id as the OMS account) with a new Ed25519 key, so the connector can
    /// trade it. Balances are decimal strings by asset.
    /// </summary>
    public void CreateAccount(AccountId account, IReadOnlyDictionary<string, string> spotBalances, IReadOnlyDictionary<string, string>? futuresBalances = null)
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        using var signer = Ed25519Signer.FromSeed(seed);
        var created = Host.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = account.Value,
            Ed25519PublicKey = Convert.ToHexString(signer.PublicKey),
            Balances = spotBalances,
            FuturesBalances = futuresBalances,
        });
        _keys[account] = (created.ApiKey, seed);
    }

    /// <summary>The account's simulator key as new credentials (the caller owns them), or null for accounts not created here.</summary>
    public BinanceCredentials? TryGetCredentials(AccountId account) =>
        _keys.TryGetValue(account, out var key) ? new BinanceCredentials(key.ApiKey, Ed25519Signer.FromSeed(key.Seed)) : null;

    /// <summary>The API key of an account created here (to address it in the simulator's admin API), or null.</summary>
    public string? ApiKeyOf(AccountId account) => _keys.TryGetValue(account, out var key) ? key.ApiKey : null;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as a hosted service: the container hands both to disposal.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_host is not null) await _host.DisposeAsync();
        foreach (var key in _keys.Values) CryptographicOperations.ZeroMemory(key.Seed);
    }
}
