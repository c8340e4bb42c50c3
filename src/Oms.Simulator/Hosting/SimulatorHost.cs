using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSec.Cryptography;
using Oms.Simulator.Engine;
using Oms.Simulator.Wire.Admin;
using Oms.Simulator.Wire.Rest;
using Oms.Simulator.Wire.WebSockets;

namespace Oms.Simulator.Hosting;

/// <summary>Base URLs of a running simulator (all on one loopback port).</summary>
public sealed record SimulatorUrls(Uri Rest, Uri SpotWsApi, Uri FuturesWsApi, Uri SpotStreams, Uri FuturesStreams, Uri Admin)
{
    /// <summary>Spot REST API root, e.g. <c>http://127.0.0.1:8090/api/v3</c> (ccxt <c>urls.api.public/private</c>).</summary>
    public Uri SpotRestApi => new(Rest, "api/v3");

    /// <summary>USDⓈ-M REST root, e.g. <c>http://127.0.0.1:8090/fapi/v1</c>.</summary>
    public Uri FuturesRestApi => new(Rest, "fapi/v1");
}

/// <summary>A demo account created at start. Credentials are simulator-only demo values.</summary>
public sealed record DemoAccount(string AccountId, string ApiKey, string? SecretKey, string? Ed25519PrivateKeyPem, string? Ed25519PublicKeyPem);

/// <summary>
/// The simulator as an in-process service: Kestrel on loopback serving Binance spot and USDⓈ-M REST, WS API,
/// market and user-data streams plus the <c>/sim</c> admin API. <c>await using var sim = await SimulatorHost.StartAsync(options);</c>
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource timerStop = new();
    private readonly Task timerLoop;

    private SimulatorHost(WebApplication app, SimulatorRuntime runtime, SimulatorUrls urls, IReadOnlyList<DemoAccount> demoAccounts, X509Certificate2? certificate)
    {
        this.app = app;
        Runtime = runtime;
        Urls = urls;
        DemoAccounts = demoAccounts;
        Certificate = certificate;
        timerLoop = RunTimerAsync(timerStop.Token);
    }

    public SimulatorUrls Urls { get; }

    public SimulatorRuntime Runtime { get; }

    /// <summary>The exchange core (market controls, direct inspection).</summary>
    public SimExchange Exchange => Runtime.Exchange;

    /// <summary>Accounts created from configuration or generated at start.</summary>
    public IReadOnlyList<DemoAccount> DemoAccounts { get; }

    /// <summary>The self-signed loopback certificate when TLS is on (trust it in clients), else null.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Starts a simulator. <paramref name="market"/> defaults to <see cref="MarketSeedOptions.Default"/>.</summary>
    public static async Task<SimulatorHost> StartAsync(
        SimulatorOptions options,
        MarketSeedOptions? market = null,
        TimeProvider? clock = null,
        Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        market ??= MarketSeedOptions.Default();
        clock ??= TimeProvider.System;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name });

        // Embedded in another process (the silo, tests) the simulator must not pick up that host's appsettings,
        // ASPNETCORE_* variables or URLs: everything it needs is in SimulatorOptions.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            logging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        var certificate = options.UseTls ? CreateLoopbackCertificate() : null;
        var address = IPAddress.Parse(options.Host);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var exchange = new SimExchange(market.ToExchangeOptions() with
        {
            SubscriberError = ex => loggers.CreateLogger<SimulatorHost>().LogError(ex, "user-data/market subscriber failed"),
        }, clock);
        var runtime = new SimulatorRuntime(options, exchange, loggers);
        var demoAccounts = SeedAccounts(runtime, options);

        app.UseWebSockets();
        app.MapBinanceRest(runtime);
        app.MapBinanceWebSockets(runtime);
        app.MapSimulatorAdmin(runtime);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var port = bound.Port;
        var http = certificate is null ? "http" : "https";
        var ws = certificate is null ? "ws" : "wss";
        var root = string.Create(CultureInfo.InvariantCulture, $"{options.Host}:{port}");
        var urls = new SimulatorUrls(
            new Uri($"{http}://{root}/"),
            new Uri($"{ws}://{root}/ws-api/v3"),
            new Uri($"{ws}://{root}/ws-fapi/v1"),
            new Uri($"{ws}://{root}/"),
            new Uri($"{ws}://{root}/"),
            new Uri($"{http}://{root}/sim/"));
        return new SimulatorHost(app, runtime, urls, demoAccounts, certificate);
    }

    public async ValueTask DisposeAsync()
    {
        await timerStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await timerLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var connection in Runtime.Connections.Snapshot())
        {
            connection.Abort();
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await app.DisposeAsync().ConfigureAwait(false);
        Runtime.Dispose();
        timerStop.Dispose();
        Certificate?.Dispose();
    }

    private async Task RunTimerAsync(CancellationToken cancellationToken)
    {
        var logger = Runtime.Loggers.CreateLogger<SimulatorHost>();
        using var timer = new PeriodicTimer(Runtime.Options.TickInterval, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                Runtime.OnTimer();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "simulator timer step failed");
            }
        }
    }

    private static List<DemoAccount> SeedAccounts(SimulatorRuntime runtime, SimulatorOptions options)
    {
        var result = new List<DemoAccount>();
        foreach (var account in options.Accounts)
        {
            var created = runtime.Accounts.Create(new CreateAccountRequest
            {
                AccountId = account.AccountId,
                ApiKey = account.ApiKey,
                SecretKey = account.SecretKey,
                Ed25519PublicKey = account.Ed25519PublicKey,
                Balances = account.Balances.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                FuturesBalances = account.FuturesBalances.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            });
            result.Add(new DemoAccount(created.AccountId, created.ApiKey, created.SecretKey ?? account.SecretKey, null, account.Ed25519PublicKey));
        }

        if (options.Accounts.Count > 0 || !options.GenerateDemoAccounts)
        {
            return result;
        }

        var balances = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["USDT"] = "100000", ["BTC"] = "1", ["ETH"] = "10", ["BNB"] = "50", ["SOL"] = "100",
        };
        var futures = new Dictionary<string, string>(StringComparer.Ordinal) { ["USDT"] = "100000" };
        var hmac = runtime.Accounts.Create(new CreateAccountRequest { AccountId = "demo", Balances = balances, FuturesBalances = futures });
        result.Add(new DemoAccount(hmac.AccountId, hmac.ApiKey, hmac.SecretKey, null, null));

        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var publicPem = Encoding.ASCII.GetString(key.PublicKey.Export(KeyBlobFormat.PkixPublicKeyText));
        var privatePem = Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPrivateKeyText));
        var ed = runtime.Accounts.Create(new CreateAccountRequest { AccountId = "demo", Ed25519PublicKey = publicPem });
        result.Add(new DemoAccount(ed.AccountId, ed.ApiKey, null, privatePem, publicPem));
        return result;
    }

    private static X509Certificate2 CreateLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Oms.Simulator loopback", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(365));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
