using System.Globalization;
using System.Security.Cryptography;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oms.Gateway.Auth;
using Oms.Silo.Hosting;
using OpenTelemetry.Trace;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>
/// Starts the real silo wiring (<see cref="OmsSilo"/>, embedded profile) in this process on free loopback ports, the way
/// an operator runs it outside development: the dashboard requires authentication. Telemetry goes to a stand-in OTLP
/// collector configured through the standard <c>OTEL_*</c> settings (which also turns tracing on), spans are kept by an
/// in-memory exporter, and logs are written to a CLEF file in a temporary directory.
/// </summary>
public sealed class SiloFixture : IAsyncLifetime
{
    public const string ServiceName = "oms-observability-tests";

    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "oms-observability-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? app;

    public string TraderToken { get; } = NewToken();
    public string OperatorToken { get; } = NewToken();

    public int GrpcPort { get; private set; }
    public int DashboardPort { get; private set; }
    public int SiloPort { get; private set; }
    public GrpcChannel Channel { get; private set; } = null!;
    public OtlpCollector Collector { get; } = new();
    public SpanRecorder Spans { get; } = new();
    public IServiceProvider Services => app!.Services;
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();
    public string LogFile => Path.Combine(workDirectory, "logs", "oms.log");
    public string WorkDirectory => workDirectory;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(workDirectory);
        await Collector.StartAsync();
        var ports = FreePorts.Take(4);
        GrpcPort = ports[0];
        DashboardPort = ports[1];
        SiloPort = ports[2];

        var settings = new Dictionary<string, string?>
        {
            ["Oms:Logging:FilePath"] = LogFile,
            ["Oms:Host:GrpcPort"] = P(ports[0]),
            ["Oms:Host:DashboardPort"] = P(ports[1]),
            ["Oms:Host:SiloPort"] = P(ports[2]),
            ["Oms:Host:OrleansGatewayPort"] = P(ports[3]),
            ["Oms:Host:ClusterId"] = "observability-tests",
            ["Oms:Gateway:DevelopmentClient:TokenFile"] = Path.Combine(workDirectory, "dev-token"),
            // Outside development the dashboard asks for credentials (the cluster profile's setting).
            ["Oms:Dashboard:RequireAuthentication"] = "true",
            ["Serilog:MinimumLevel:Default"] = "Information",
            // The account grain logs accepted submits at Debug.
            ["Serilog:MinimumLevel:Override:Oms.Grains"] = "Debug",
            // Standard OpenTelemetry settings: an endpoint turns the OTLP exporter (and tracing) on.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = ServiceName,
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        };
        AddClient(settings, 0, "trader", TraderToken, ["Read", "Trade"]);
        AddClient(settings, 1, "operator", OperatorToken, ["Read", "Dashboard"]);

        var builder = OmsSilo.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<ObservabilityVenue>();
        builder.Services.AddSingleton<IVenueOrderRouter>(sp => sp.GetRequiredService<ObservabilityVenue>());
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(Spans));
        builder.AddOmsSilo();
        app = builder.Build();
        app.MapOmsSilo();
        await app.StartAsync();

        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        await Collector.DisposeAsync();
        try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Call options carrying <paramref name="token"/> as a bearer token.</summary>
    public static CallOptions As(string token) => new(new Metadata { { "authorization", "Bearer " + token } });

    /// <summary>Creates a spot account with a unique id (tests never share accounts).</summary>
    public async Task<string> ProvisionAccountAsync(string prefix)
    {
        var id = $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
        await Grains.GetAccount(new AccountId(id)).ProvisionAsync(new AccountConfig
        {
            Venue = Venue.Binance,
            Markets = [MarketType.Spot],
            ClientOrderIdPrefix = "o",
        });
        return id;
    }

    /// <summary>Submits a limit buy of BTCUSDT through the gRPC gateway.</summary>
    public async Task<Wire.SubmitOrderResponse> SubmitAsync(string account, string clientOrderId, string quantity = "0.001", string price = "50000")
    {
        var client = new Wire.OrderService.OrderServiceClient(Channel);
        return await client.SubmitOrderAsync(new Wire.SubmitOrderRequest
        {
            AccountId = account,
            ClientOrderId = clientOrderId,
            Order = new Wire.OrderSpec
            {
                Instrument = new Wire.Instrument { Venue = Wire.Venue.Binance, Market = Wire.MarketType.Spot, Symbol = "BTCUSDT" },
                Side = Wire.OrderSide.Buy,
                Type = Wire.OrderType.Limit,
                Quantity = quantity,
                LimitPrice = price,
                TimeInForce = Wire.TimeInForce.Gtc,
            },
        }, As(TraderToken));
    }

    /// <summary>Polls the order until it is filled (bounded, about 15 s).</summary>
    public async Task<Wire.Order> WaitUntilFilledAsync(string account, string clientOrderId)
    {
        var client = new Wire.OrderService.OrderServiceClient(Channel);
        Wire.Order? last = null;
        for (var attempt = 0; attempt < 300; attempt++)
        {
            last = await client.GetOrderAsync(new Wire.GetOrderRequest { AccountId = account, ClientOrderId = clientOrderId }, As(TraderToken));
            if (last.Status == Wire.OrderStatus.Filled) return last;
            await Task.Delay(50);
        }
        Assert.Fail($"order {clientOrderId} was not filled; last seen: {last}");
        return last!;
    }

    private static void AddClient(Dictionary<string, string?> settings, int index, string name, string token, string[] permissions)
    {
        var key = $"{GatewayOptions.SectionName}:Clients:{index}";
        settings[$"{key}:Name"] = name;
        settings[$"{key}:TokenSha256"] = ApiClientRegistry.HashToken(token);
        settings[$"{key}:Grants:0:Account"] = "*";
        for (var i = 0; i < permissions.Length; i++) settings[$"{key}:Grants:0:Permissions:{i}"] = permissions[i];
    }

    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string NewToken() => "test_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
