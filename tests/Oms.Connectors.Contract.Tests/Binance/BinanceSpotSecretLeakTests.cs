using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using NSec.Cryptography;
using Oms.Connectors.Contract.Tests.Contract;
using Oms.Connectors.Contract.Tests.Infrastructure;
using Oms.Secrets;
using Oms.Simulator.Hosting;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using DomainVenue = Oms.Domain.Venue;

namespace Oms.Connectors.Contract.Tests.Binance;

/// <summary>
/// A full trading flow on accounts whose keys come from the secret store (HMAC and Ed25519, generated here), with every
/// log category at Verbose: no fragment of any key may appear in any log event (message, properties, exception), in
/// anything a gRPC client receives (responses, error status and trailers) or in a metric tag.
/// </summary>
[Collection(BinanceSpotSecretLeakCollection.Name)]
public sealed class BinanceSpotSecretLeakTests(BinanceSpotSecretLeakFixture fixture, ITestOutputHelper output) : ContractScenarios(fixture, output)
{
    private readonly Wire.OrderService.OrderServiceClient _orders = new(fixture.Channel);
    private readonly Wire.AccountService.AccountServiceClient _accounts = new(fixture.Channel);
    private readonly List<string> _clientTexts = [];

    protected override VenueHarness Venue => fixture.Harness;

    [Fact]
    public async Task No_fragment_of_a_key_appears_in_logs_errors_or_metrics_during_a_full_trading_flow()
    {
        var keys = fixture.Keys;
        using var metrics = new MetricTagCapture();
        var price = Venue.Price * 0.9m;

        // An HMAC account and an Ed25519 account, both provisioned from the store.
        var hmac = await ProvisionAsync("leak-h", keys.HmacApiKey, secretKey: keys.HmacSecret, ed25519: null);
        var ed = await ProvisionAsync("leak-e", keys.Ed25519ApiKey, secretKey: null, ed25519: keys.Ed25519);
        foreach (var account in new[] { hmac, ed })
        {
            // Submit (over gRPC), amend, cancel.
            var submitted = await SubmitOverGrpcAsync(account, "lk-1", price);
            Assert.True(submitted.Created, submitted.ToString());
            await WaitForStatusAsync(account, "lk-1", OrderStatus.New);
            Keep(await _orders.AmendOrderAsync(new Wire.AmendOrderRequest { AccountId = account.Value, ClientOrderId = "lk-1", NewQuantity = "0.05" }, fixture.Auth()));
            await WaitForOrderAsync(account, "lk-1", o => o.Quantity == 0.05m);
            // An amend the venue cannot do (a price change on spot): refused with a reason.
            Keep(await _orders.AmendOrderAsync(new Wire.AmendOrderRequest { AccountId = account.Value, ClientOrderId = "lk-1", NewLimitPrice = Str(price - 1m) }, fixture.Auth()));
            Keep(await _orders.CancelOrderAsync(new Wire.CancelOrderRequest { AccountId = account.Value, ClientOrderId = "lk-1" }, fixture.Auth()));
            await WaitForStatusAsync(account, "lk-1", OrderStatus.Canceled);

            // A fill against the counterparty.
            await Venue.RestCounterpartyAsync(OrderSide.Sell, Venue.Price, Venue.Quantity);
            await SubmitAsync(account, Limit(OrderSide.Buy, Venue.Price), "lk-2");
            await WaitForStatusAsync(account, "lk-2", OrderStatus.Filled);

            // Rejected by the venue: a post-only order that would take the resting ask.
            await Venue.RestCounterpartyAsync(OrderSide.Sell, Venue.Price, Venue.Quantity);
            await SubmitAsync(account, Limit(OrderSide.Buy, Venue.Price) with { Type = OrderType.LimitMaker }, "lk-3");
            await WaitForStatusAsync(account, "lk-3", OrderStatus.Rejected);
            await Venue.ClearCounterpartyAsync();

            // Venue errors: one refused before execution, one ambiguous after it (resolved by a query).
            await fixture.Inspector.AddFaultAsync(new
            {
                action = "Error", target = "order.place", accountId = account.Value, status = 400, code = -1013, message = "Filter failure: LOT_SIZE",
                afterExecution = false, times = 1,
            });
            await SubmitAsync(account, Limit(OrderSide.Buy, price), "lk-4");
            await WaitForStatusAsync(account, "lk-4", OrderStatus.Rejected);
            await Venue.FailNextPlacementAfterExecutionAsync(account);
            await SubmitAsync(account, Limit(OrderSide.Buy, price), "lk-5");
            await WaitForStatusAsync(account, "lk-5", OrderStatus.New);

            // A dropped connection: reconnect, reconcile, keep trading.
            var reconciled = fixture.Connector.GetWorker(account)!.Reconciliations;
            await Venue.DropConnectionsAsync(account);
            await WaitUntilAsync(() => fixture.Connector.GetWorker(account)!.Reconciliations > reconciled, "a reconciliation after the reconnect");
            await SubmitAsync(account, Limit(OrderSide.Buy, price), "lk-6");
            await WaitForStatusAsync(account, "lk-6", OrderStatus.New);
        }

        // Rotation of the HMAC account's key: new sessions, the old key revoked, trading goes on.
        var before = fixture.Connector.GetWorker(hmac)!.Pool;
        fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest { AccountId = hmac.Value, ApiKey = keys.RotatedApiKey, SecretKey = keys.RotatedSecret });
        SetStoredKey(hmac, keys.RotatedApiKey, keys.RotatedSecret, null);
        await fixture.Services.GetRequiredService<CachingVenueCredentialStore>().RefreshAsync();
        await WaitUntilAsync(() => fixture.Connector.GetWorker(hmac)?.Pool is { OpenSessionCount: > 0 } pool && !ReferenceEquals(pool, before), "new sessions after the rotation");
        Assert.True(fixture.Sim.Runtime.RevokeKey(keys.HmacApiKey));
        await SubmitAsync(hmac, Limit(OrderSide.Buy, price), "lk-7");
        await WaitForStatusAsync(hmac, "lk-7", OrderStatus.New);
        await AssertInSyncAsync(hmac);

        // A key the venue refuses (wrong secret in the store): the order is rejected with the venue's reason.
        var wrong = new AccountId($"leak-w-{Guid.NewGuid().ToString("N")[..8]}");
        fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = wrong.Value, ApiKey = keys.WrongApiKey, SecretKey = keys.VenueSideSecret, Balances = BinanceSpotHarness.Funding,
        });
        SetStoredKey(wrong, keys.WrongApiKey, keys.WrongSecret, null);
        await Account(wrong).ProvisionAsync(new AccountConfig { Venue = DomainVenue.Binance, Markets = [MarketType.Spot], ClientOrderIdPrefix = "lkw" });
        Keep(await SubmitOverGrpcAsync(wrong, "lkw-1", price));
        await WaitForStatusAsync(wrong, "lkw-1", OrderStatus.Rejected, TimeSpan.FromSeconds(30));

        // gRPC errors a client gets.
        await KeepErrorAsync(() => _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = hmac.Value,
            Order = new Wire.OrderSpec { Instrument = GrpcInstrument(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = "lots", LimitPrice = Str(price) },
        }, fixture.Auth()).ResponseAsync);
        await KeepErrorAsync(() => _orders.GetOrderAsync(new Wire.GetOrderRequest { AccountId = ed.Value, ClientOrderId = "no-such-order" }, fixture.Auth()).ResponseAsync);
        await KeepErrorAsync(() => _orders.GetOrderAsync(new Wire.GetOrderRequest { AccountId = hmac.Value, ClientOrderId = "lk-1" },
            new CallOptions(new Metadata { { "authorization", "Bearer " + keys.BogusToken } })).ResponseAsync);
        // Refused (not an error): the order is filled.
        Keep(await _orders.CancelOrderAsync(new Wire.CancelOrderRequest { AccountId = hmac.Value, ClientOrderId = "lk-2" }, fixture.Auth()));

        // Everything the client can read back: orders (with reasons), execution reports, the account.
        foreach (var account in new[] { hmac, ed, wrong })
        {
            Keep(await _orders.ListOrdersAsync(new Wire.ListOrdersRequest { AccountId = account.Value }, fixture.Auth()));
            Keep(await _accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account.Value }, fixture.Auth()));
            using var reader = new ExecutionReportReader(_orders, fixture.Auth(), account.Value, fromSequence: 1);
            await reader.WaitForAsync(r => r.Order.ClientOrderId is "lk-6" or "lkw-1");
            foreach (var report in reader.Reports) Keep(report);
        }

        var sink = fixture.Sink;
        Output.WriteLine($"log events checked: {sink.Events} ({sink.DebugOrBelow} at Debug or Verbose); client texts: {_clientTexts.Count}; metric tag values: {metrics.Values.Count}");
        Output.WriteLine("levels by category prefix: " + string.Join(", ", sink.CategoriesAtDebug.Order().Take(30)));
        // The capture really saw the detailed logs of the connector and the grains.
        Assert.Contains(sink.CategoriesAtDebug, c => c.StartsWith("Oms.Connectors", StringComparison.Ordinal));
        Assert.True(sink.DebugOrBelow > 0, "no Debug or Verbose event was captured");
        // The detector finds what it is meant to find (so a clean result means something).
        Assert.NotNull(keys.Detector.FindLeak("apiKey=" + keys.HmacApiKey[..4] + "…" + keys.HmacApiKey[^4..]));
        Assert.NotNull(keys.Detector.FindLeak("x" + keys.HmacSecret[20..30]));
        Assert.NotNull(keys.Detector.FindLeak(Convert.ToHexStringLower(keys.Ed25519.Seed)[30..45]));
        Assert.NotNull(keys.Detector.FindLeak(keys.Ed25519.Pem));

        Assert.True(sink.Leaks.Count == 0, "secret material in the logs:\n" + string.Join("\n", sink.Leaks.Take(10)));
        Assert.Null(keys.Detector.FindLeak(string.Join("\n", _clientTexts)));
        Assert.Null(keys.Detector.FindLeak(string.Join("\n", metrics.Values)));
    }

    private async Task<AccountId> ProvisionAsync(string prefix, string apiKey, string? secretKey, GeneratedEd25519Key? ed25519)
    {
        var account = new AccountId($"{prefix}-{Guid.NewGuid().ToString("N")[..8]}");
        fixture.Sim.Runtime.Accounts.Create(new CreateAccountRequest
        {
            AccountId = account.Value, ApiKey = apiKey, SecretKey = secretKey, Ed25519PublicKey = ed25519?.PublicKeyHex, Balances = BinanceSpotHarness.Funding,
        });
        SetStoredKey(account, apiKey, secretKey, ed25519?.Pem);
        await Account(account).ProvisionAsync(new AccountConfig { Venue = DomainVenue.Binance, Markets = [MarketType.Spot], ClientOrderIdPrefix = "lk" });
        await fixture.WaitUntilReconciledAsync(account);
        return account;
    }

    private static void SetStoredKey(AccountId account, string apiKey, string? hmacSecret, string? ed25519Pem)
    {
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.ApiKey), apiKey);
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.HmacSecret), hmacSecret);
        Environment.SetEnvironmentVariable(SecretNaming.EnvironmentVariableName("OMS_SECRET", DomainVenue.Binance, account, SecretField.Ed25519PrivateKey), ed25519Pem);
    }

    private async Task<Wire.SubmitOrderResponse> SubmitOverGrpcAsync(AccountId account, string clientOrderId, decimal price) =>
        Keep(await _orders.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account.Value,
            ClientOrderId = clientOrderId,
            Order = new Wire.OrderSpec
            {
                Instrument = GrpcInstrument(), Side = Wire.OrderSide.Buy, Type = Wire.OrderType.Limit, Quantity = Str(Venue.Quantity), LimitPrice = Str(price),
                TimeInForce = Wire.TimeInForce.Gtc,
            },
        }, fixture.Auth()));

    private Wire.Instrument GrpcInstrument() => new() { Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, Symbol = Venue.Instrument.Symbol };

    private T Keep<T>(T response) where T : notnull
    {
        _clientTexts.Add(response.ToString()!);
        return response;
    }

    private async Task KeepErrorAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException ex)
        {
            _clientTexts.Add(ex.ToString());
            _clientTexts.Add(ex.Status.Detail);
            _clientTexts.AddRange(ex.Trailers.Where(t => !t.IsBinary).Select(t => $"{t.Key}: {t.Value}"));
            return;
        }
        throw new Xunit.Sdk.XunitException("the call was expected to fail with an RpcException");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var attempt = 0; attempt < 800; attempt++)
        {
            if (condition()) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
    }

    private static string Str(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every tag value of every measurement recorded while it listens, from every meter.</summary>
    private sealed class MetricTagCapture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly HashSet<string> _values = [];

        public MetricTagCapture()
        {
            _listener.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Add(tags));
            _listener.SetMeasurementEventCallback<int>((_, _, tags, _) => Add(tags));
            _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Add(tags));
            _listener.SetMeasurementEventCallback<decimal>((_, _, tags, _) => Add(tags));
            _listener.Start();
        }

        public IReadOnlyCollection<string> Values
        {
            get
            {
                lock (_values) return [.. _values];
            }
        }

        private void Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Value?.ToString() is not { Length: > 0 } value) continue;
                lock (_values) _values.Add(value);
            }
        }

        public void Dispose()
        {
            _listener.RecordObservableInstruments();
            _listener.Dispose();
        }
    }
}

/// <summary>Its own OMS with every log category at Verbose, captured by <see cref="LeakScanningSink"/> against keys generated here.</summary>
public sealed class BinanceSpotSecretLeakFixture : BinanceSpotContractFixture
{
    public LeakTestKeys Keys { get; } = new();

    public LeakScanningSink Sink { get; }

    public BinanceSpotSecretLeakFixture() => Sink = new LeakScanningSink(Keys.Detector);

    protected override IEnumerable<KeyValuePair<string, string?>> Overrides =>
    [
        .. base.Overrides,
        new("Serilog:MinimumLevel:Default", "Verbose"),
        .. new[] { "Orleans", "Orleans.Runtime.Silo", "Polly", "Microsoft", "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "System", "Grpc" }
            .Select(category => new KeyValuePair<string, string?>($"Serilog:MinimumLevel:Override:{category}", "Verbose")),
    ];

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<ILogEventSink>(Sink);
    }
}

[CollectionDefinition(Name)]
public sealed class BinanceSpotSecretLeakCollection : ICollectionFixture<BinanceSpotSecretLeakFixture>
{
    public const string Name = "binance-spot-secret-leak";
}

/// <summary>The keys of the leak test, generated fresh; text keys start with a marker no code writes ("Zq7"), so even a 4-character prefix is found.</summary>
public sealed class LeakTestKeys
{
    public LeakTestKeys()
    {
        HmacApiKey = Detector.Text(NewText(), "HMAC account API key");
        HmacSecret = Detector.Text(NewText(), "HMAC secret");
        Ed25519ApiKey = Detector.Text(NewText(), "Ed25519 account API key");
        Ed25519 = Detector.Key(GeneratedEd25519Key.Create(), "Ed25519 private key");
        RotatedApiKey = Detector.Text(NewText(), "rotated API key");
        RotatedSecret = Detector.Text(NewText(), "rotated HMAC secret");
        WrongApiKey = Detector.Text(NewText(), "wrong-key account API key");
        WrongSecret = Detector.Text(NewText(), "wrong HMAC secret");
        VenueSideSecret = Detector.Text(NewText(), "venue-side HMAC secret");
        BogusToken = Detector.Text(NewText(), "bearer token a client presented");
    }

    public SecretFragmentDetector Detector { get; } = new();

    public string HmacApiKey { get; }

    public string HmacSecret { get; }

    public string Ed25519ApiKey { get; }

    public GeneratedEd25519Key Ed25519 { get; }

    public string RotatedApiKey { get; }

    public string RotatedSecret { get; }

    public string WrongApiKey { get; }

    public string WrongSecret { get; }

    public string VenueSideSecret { get; }

    public string BogusToken { get; }

    /// <summary>64 characters: the marker and 61 random letters and digits (a valid Binance API key and HMAC secret).</summary>
    private static string NewText() => "Zq7" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 61);
}

/// <summary>A generated Ed25519 key in the text forms a store may hold and a log could show.</summary>
public sealed class GeneratedEd25519Key
{
    private GeneratedEd25519Key(byte[] seed, string pem, byte[] publicKey)
    {
        Seed = seed;
        Pem = pem;
        PublicKey = publicKey;
    }

    public byte[] Seed { get; }

    public string Pem { get; }

    public byte[] PublicKey { get; }

    public string PublicKeyHex => Convert.ToHexStringLower(PublicKey);

    /// <summary>The base64 body of the PEM past the constant PKCS#8 header (the characters that encode the seed).</summary>
    public string PemSecretPart => string.Concat(Pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()))[24..];

    public static GeneratedEd25519Key Create()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new GeneratedEd25519Key(key.Export(KeyBlobFormat.RawPrivateKey), Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPrivateKeyText)),
            key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }
}

/// <summary>
/// Finds fragments of known secrets in text: the 4-character prefix of a text secret (they start with a marker), any
/// 8 consecutive characters of a text or base64 secret, any 12 of a hex one (long enough that chance matches against
/// trace ids and hashes are negligible). Lookups use span windows, so scanning every log event stays cheap.
/// </summary>
public sealed class SecretFragmentDetector
{
    private const int PrefixLength = 4;
    private const int TextWindow = 8;
    private const int HexWindow = 12;
    private readonly Dictionary<string, string> _prefixes = [];
    private readonly Dictionary<string, string> _text = [];
    private readonly Dictionary<string, string> _hex = [];

    public string Text(string secret, string label)
    {
        _prefixes[secret[..PrefixLength]] = label;
        AddWindows(_text, secret, TextWindow, label);
        return secret;
    }

    public GeneratedEd25519Key Key(GeneratedEd25519Key key, string label)
    {
        AddWindows(_hex, Convert.ToHexStringLower(key.Seed), HexWindow, label + " (seed, hex)");
        AddWindows(_hex, Convert.ToHexString(key.Seed), HexWindow, label + " (seed, HEX)");
        AddWindows(_text, Convert.ToBase64String(key.Seed), TextWindow, label + " (seed, base64)");
        AddWindows(_text, key.PemSecretPart, TextWindow, label + " (PEM)");
        return key;
    }

    /// <summary>Describes the first fragment found in <paramref name="text"/> (where, never the fragment itself), or null.</summary>
    public string? FindLeak(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        foreach (var (prefix, label) in _prefixes)
        {
            var at = text.IndexOf(prefix, StringComparison.Ordinal);
            if (at >= 0) return $"the prefix of the {label} at {Excerpt(text, at)}";
        }
        return Scan(text, _text, TextWindow) ?? Scan(text, _hex, HexWindow);
    }

    private static string? Scan(string text, Dictionary<string, string> windows, int length)
    {
        var lookup = windows.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i + length <= text.Length; i++)
        {
            if (lookup.TryGetValue(text.AsSpan(i, length), out var label)) return $"{length} characters of the {label} at {Excerpt(text, i)}";
        }
        return null;
    }

    private static void AddWindows(Dictionary<string, string> windows, string secret, int length, string label)
    {
        for (var i = 0; i + length <= secret.Length; i++) windows[secret.Substring(i, length)] = label;
    }

    // Where the match is, without the secret.
    private static string Excerpt(string text, int at) => "…" + text[Math.Max(0, at - 60)..at] + "[secret]";
}

/// <summary>A Serilog sink (picked up by the silo's logging from the services) that scans every event as it is written.</summary>
public sealed class LeakScanningSink(SecretFragmentDetector detector) : ILogEventSink
{
    private readonly CompactJsonFormatter _json = new();
    private readonly List<string> _leaks = [];
    private readonly HashSet<string> _categoriesAtDebug = [];
    private long _events;
    private long _debugOrBelow;

    public long Events => Interlocked.Read(ref _events);

    public long DebugOrBelow => Interlocked.Read(ref _debugOrBelow);

    public IReadOnlyList<string> Leaks
    {
        get
        {
            lock (_leaks) return [.. _leaks];
        }
    }

    public IReadOnlyCollection<string> CategoriesAtDebug
    {
        get
        {
            lock (_categoriesAtDebug) return [.. _categoriesAtDebug];
        }
    }

    public void Emit(LogEvent logEvent)
    {
        Interlocked.Increment(ref _events);
        var category = logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source) && source is ScalarValue { Value: string name } ? name : "";
        if (logEvent.Level <= LogEventLevel.Debug)
        {
            Interlocked.Increment(ref _debugOrBelow);
            var prefix = string.Join('.', category.Split('.').Take(3));
            lock (_categoriesAtDebug) _categoriesAtDebug.Add(prefix);
        }
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        _json.Format(logEvent, writer);
        var rendered = logEvent.RenderMessage(CultureInfo.InvariantCulture);
        var leak = detector.FindLeak(writer.ToString()) ?? detector.FindLeak(rendered) ?? detector.FindLeak(logEvent.Exception?.ToString());
        if (leak is null) return;
        lock (_leaks)
        {
            if (_leaks.Count < 100) _leaks.Add($"{logEvent.Level} {category}: {leak}");
        }
    }
}
