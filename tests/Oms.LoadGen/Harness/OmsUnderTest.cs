using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Oms.Gateway.Auth;
using Oms.LoadGen.Measurement;
using Oms.Silo.Hosting;
using Oms.Simulator.Hosting;

namespace Oms.LoadGen.Harness;

/// <summary>The accounts one run trades, by purpose.</summary>
public sealed record RunAccounts(IReadOnlyList<string> Orders, IReadOnlyList<string> Fills, IReadOnlyList<string> Memory, IReadOnlyList<string> Session)
{
    public IEnumerable<string> All => Orders.Concat(Fills).Concat(Memory).Concat(Session).Distinct(StringComparer.Ordinal);
}

/// <summary>
/// The OMS the load runs against, and the simulator it trades on: started in this process (simulator via
/// <see cref="SimulatorHost"/>, silo via the public <see cref="OmsSilo"/> wiring with the Binance spot connector pointed
/// at that simulator) or attached to (<c>--endpoint</c>).
/// </summary>
public sealed class OmsUnderTest : IAsyncDisposable
{
    private WebApplication? app;
    private SimulatorHost? simulatorHost;
    private string? workDirectory;
    private WsFrameTap? frameTap;

    private OmsUnderTest(Uri grpcEndpoint, string token, SimulatorControl simulator, ProcessMeter siloMeter, RunAccounts accounts)
    {
        GrpcEndpoint = grpcEndpoint;
        Token = token;
        Simulator = simulator;
        SiloMeter = siloMeter;
        Accounts = accounts;
        Channel = GrpcChannel.ForAddress(grpcEndpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        Headers = new Metadata { { "authorization", "Bearer " + token } };
    }

    public Uri GrpcEndpoint { get; }
    public string Token { get; }
    public GrpcChannel Channel { get; }
    public Metadata Headers { get; }
    public SimulatorControl Simulator { get; }
    public ProcessMeter SiloMeter { get; }
    public RunAccounts Accounts { get; }

    /// <summary>True when silo and simulator run in this process.</summary>
    public bool InProcess => app is not null;

    /// <summary>The in-process simulator (engine events for the venue-side timestamps), or null when attached.</summary>
    public SimulatorHost? SimulatorHost => simulatorHost;

    /// <summary>Grain state sizes as storage writes them (in-process only; measured while armed).</summary>
    public StateSizeProbe? StateSizes { get; private set; }

    /// <summary>When the silo received each SubmitOrder call (in-process only).</summary>
    public GrpcReceiptTap? Receipts { get; private set; }

    /// <summary>When each order's WS API frame reached the venue side (in-process with <c>--frame-tap</c> only).</summary>
    public WsFrameTap? FrameTap => frameTap;

    /// <summary>The spot WS API address clients use: the frame tap's when there is one, else the simulator's.</summary>
    public Uri SpotWsApiForClients => frameTap?.Address ?? Simulator.SpotWsApi;

    /// <summary>How the OMS was obtained, for the report.</summary>
    public required string Description { get; init; }

    /// <summary>What carries orders from the OMS to the venue, for the report.</summary>
    public required string VenuePath { get; init; }

    public required string Storage { get; init; }

    /// <summary>Spot rate limits the simulator is given for an in-process run.</summary>
    public const string RaisedSpotLimits = "REQUEST_WEIGHT 50,000,000/min, ORDERS 10,000,000/10 s and 500,000,000/day (Binance: 6,000/min, 50/10 s, 160,000/day)";

    /// <summary>
    /// Starts the simulator (rate limits raised so the venue's own limits do not bound the run) and the silo in this
    /// process. Every OMS account is created in the simulator with a fresh Ed25519 key, which reaches the connector
    /// through the silo's local secret store (a file in a temporary directory, deleted at the end).
    /// </summary>
    public static async Task<OmsUnderTest> StartInProcessAsync(LoadGenOptions options, RunAccounts accounts, bool measureStateFromStart, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), "oms-loadgen-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        var simulatorOptions = new SimulatorOptions
        {
            Port = 0,
            GenerateDemoAccounts = false,
            SpotLimits = new VenueLimitOptions
            {
                WeightPerMinute = 50_000_000,
                OrdersPer10Seconds = 10_000_000,
                OrdersPerDay = 500_000_000,
                ConnectionAttemptsPer5Minutes = 100_000,
            },
        };
        var host = await SimulatorHost.StartAsync(simulatorOptions, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning), cancellationToken: cancellationToken);
        var control = new SimulatorControl(host.Urls.Rest);

        var secrets = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var account in accounts.All)
        {
            var key = await control.CreateAccountAsync(account, SimulatorControl.DefaultBalances, cancellationToken);
            secrets[account] = new Dictionary<string, string>(StringComparer.Ordinal) { ["api_key"] = key.ApiKey, ["ed25519_private_key"] = key.SeedHex };
        }
        var secretsFile = Path.Combine(work, "secrets.json");
        await File.WriteAllTextAsync(secretsFile, JsonSerializer.Serialize(new Dictionary<string, object> { ["binance"] = secrets }), cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var frameTap = options.FrameTap ? new WsFrameTap(host.Urls.SpotWsApi) : null;
        var token = "lg_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var ports = FreePorts(4);
        var runId = Guid.NewGuid().ToString("N")[..10];
        var settings = new Dictionary<string, string?>
        {
            ["Oms:Profile"] = options.Storage == StorageKind.Postgres ? "cluster" : "embedded",
            ["Oms:Logging:FilePath"] = "",
            // The silo logs warnings and errors only (to the console): the run's own output stays readable.
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Orleans.Runtime.Silo"] = "Warning",
            ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Oms:Host:ListenAddress"] = "127.0.0.1",
            ["Oms:Host:AdvertisedAddress"] = "127.0.0.1",
            ["Oms:Host:GrpcPort"] = Port(ports[0]),
            ["Oms:Host:DashboardPort"] = Port(ports[1]),
            ["Oms:Host:SiloPort"] = Port(ports[2]),
            ["Oms:Host:OrleansGatewayPort"] = Port(ports[3]),
            // A fresh cluster and service per run: no membership or grain state from an earlier run is read.
            ["Oms:Host:ClusterId"] = "loadgen-" + runId,
            ["Oms:Host:ServiceId"] = "loadgen-" + runId,
            ["Oms:Gateway:DevelopmentClient:Enabled"] = "false",
            [$"{GatewayOptions.SectionName}:Clients:0:Name"] = "loadgen",
            [$"{GatewayOptions.SectionName}:Clients:0:TokenSha256"] = ApiClientRegistry.HashToken(token),
            [$"{GatewayOptions.SectionName}:Clients:0:Grants:0:Account"] = "*",
            [$"{GatewayOptions.SectionName}:Clients:0:Grants:0:Permissions:0"] = "Read",
            [$"{GatewayOptions.SectionName}:Clients:0:Grants:0:Permissions:1"] = "Trade",
            // The Binance spot connector trades on this run's simulator, keys from the local secret store.
            ["Oms:Connectors:Binance:Enabled"] = "true",
            ["Oms:Connectors:Binance:Simulator:Embedded"] = "false",
            ["Oms:Connectors:Binance:SpotRestBaseAddress"] = host.Urls.Rest.ToString(),
            ["Oms:Connectors:Binance:SpotWebSocketApiAddress"] = (frameTap?.Address ?? host.Urls.SpotWsApi).ToString(),
            ["Oms:Connectors:Binance:SpotMarketStreamAddress"] = host.Urls.SpotStreams.ToString(),
            ["Oms:Connectors:Binance:UsdMRestBaseAddress"] = host.Urls.Rest.ToString(),
            ["Oms:Connectors:Binance:UsdMWebSocketApiAddress"] = host.Urls.FuturesWsApi.ToString(),
            ["Oms:Connectors:Binance:UsdMStreamAddress"] = host.Urls.FuturesStreams.ToString(),
            ["Oms:Secrets:Provider"] = "Local",
            ["Oms:Secrets:Local:UseEnvironment"] = "false",
            ["Oms:Secrets:Local:UseFile"] = "true",
            ["Oms:Secrets:Local:FilePath"] = secretsFile,
        };
        if (options.Storage == StorageKind.Postgres)
        {
            settings["Oms:Postgres:ConnectionString"] = options.Postgres;
            settings["Oms:Postgres:ApplyMigrationsOnStart"] = "true";
            settings["Oms:Postgres:CreateDatabaseIfMissing"] = "true";
        }
        // Oms:Accounts replaces the profile's demo accounts index by index, so every field is set.
        var index = 0;
        foreach (var account in accounts.All)
        {
            var prefix = $"Oms:Accounts:{index}";
            settings[$"{prefix}:Id"] = account;
            settings[$"{prefix}:Venue"] = "Binance";
            settings[$"{prefix}:Markets:0"] = "Spot";
            settings[$"{prefix}:PositionMode"] = "OneWay";
            settings[$"{prefix}:DisplayName"] = "load generator " + account;
            settings[$"{prefix}:ClientOrderIdPrefix"] = "lg";
            index++;
        }

        foreach (var (key, value) in options.SiloSettings) settings[key] = value;

        var builder = OmsSilo.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOmsSilo();
        var probe = new StateSizeProbe { Armed = measureStateFromStart };
        probe.Install(builder.Services);
        var receipts = new GrpcReceiptTap();
        receipts.Install(builder.Services);
        var app = builder.Build();
        app.MapOmsSilo();
        await app.StartAsync(cancellationToken);

        var storage = options.Storage == StorageKind.Postgres
            ? "PostgreSQL (cluster profile: ADO.NET clustering, grain storage and reminders)"
            : "in-memory (embedded profile)";
        var target = new OmsUnderTest(new Uri($"http://127.0.0.1:{ports[0]}"), token, control,
            ProcessMeter.Self("whole load-generator process: silo + simulator + gRPC load client (in-process run)"), accounts)
        {
            Description = "in-process silo (OmsSilo.CreateBuilder/AddOmsSilo/MapOmsSilo) and in-process simulator (SimulatorHost)",
            VenuePath = "Binance spot connector: WS API order.place with Ed25519 session logon, user-data stream on the simulator"
                + (frameTap is null ? "" : " (through the frame-tap relay, as the SDK)"),
            Storage = storage,
        };
        target.app = app;
        target.simulatorHost = host;
        target.workDirectory = work;
        target.StateSizes = probe;
        target.Receipts = receipts;
        target.frameTap = frameTap;
        return target;
    }

    /// <summary>Attaches to a running OMS; the accounts must be Binance spot accounts it trades on that simulator.</summary>
    public static OmsUnderTest Attach(LoadGenOptions options, RunAccounts accounts)
    {
        var meter = options.SiloPid is { } pid
            ? new ProcessMeter(pid, $"silo process {pid} (attached)")
            : ProcessMeter.Self("load-generator process only: pass --silo-pid for the silo's own figures");
        return new OmsUnderTest(options.Endpoint!, options.Token!, new SimulatorControl(options.SimulatorUrl!), meter, accounts)
        {
            Description = $"attached to {options.Endpoint}",
            VenuePath = "whatever the attached OMS is configured with (expected: the Binance spot connector on " + options.SimulatorUrl + ")",
            Storage = "as configured in the attached OMS",
        };
    }

    /// <summary>
    /// Waits until the gateway reports SERVING (silo started, accounts provisioned) and the simulator shows a
    /// user-data connection for every account (the connector's sessions are up), bounded.
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var health = new Health.HealthClient(Channel);
        string last = "no answer";
        try
        {
            while (true)
            {
                try
                {
                    var reply = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: deadline.Token);
                    if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) break;
                    last = reply.Status.ToString();
                }
                catch (RpcException ex) when (!deadline.IsCancellationRequested)
                {
                    last = ex.Status.ToString();
                }
                await Task.Delay(200, deadline.Token);
            }

            var expected = Accounts.All.ToHashSet(StringComparer.Ordinal);
            while (true)
            {
                var connected = await Simulator.GetUserDataAccountsAsync(deadline.Token);
                expected.ExceptWith(connected);
                if (expected.Count == 0) return;
                last = $"no user-data session yet for {expected.Count} account(s), e.g. {expected.First()}";
                await Task.Delay(250, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the OMS at {GrpcEndpoint} was not ready within {timeout.TotalSeconds:0} s: {last}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await app.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            await app.DisposeAsync();
        }
        frameTap?.Dispose();
        if (simulatorHost is not null) await simulatorHost.DisposeAsync();
        Simulator.Dispose();
        if (workDirectory is not null)
        {
            try
            {
                Directory.Delete(workDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
