using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Abstractions;
using Oms.Grains;
using Orleans.Hosting;

namespace Oms.Benchmarks.Infrastructure;

/// <summary>
/// One silo in this process, as the embedded profile runs it: localhost clustering on free ports, memory grain
/// storage with the Orleans serializer, the real OMS grains, a venue router that queues nothing and answers "queued",
/// BTCUSDT in the instrument catalog and a fixed reference price. Grain calls go through the silo's own
/// <see cref="IGrainFactory"/> (the co-hosted client the gateway uses), so no network hop is measured.
/// </summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessSilo(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Router = host.Services.GetRequiredService<NoOpVenueRouter>();
    }

    public IGrainFactory Grains { get; }

    /// <summary>The silo host's services (storage, serializer).</summary>
    public IServiceProvider Services => _host.Services;

    public NoOpVenueRouter Router { get; }

    public static async Task<InProcessSilo> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort(), serviceId: "oms-bench", clusterId: $"oms-bench-{Environment.ProcessId}");
            silo.AddMemoryGrainStorage(OmsStorage.Name, options => options.UseOmsGrainStateSerializer());
        });
        builder.Services.AddSingleton<NoOpVenueRouter>();
        builder.Services.AddSingleton<IVenueOrderRouter>(sp => sp.GetRequiredService<NoOpVenueRouter>());
        builder.Services.AddSingleton<IInstrumentCatalog>(new SingleInstrumentCatalog(Realistic.BtcSpotSpec));
        builder.Services.AddSingleton<IReferencePriceSource>(new FixedPrice(Realistic.ReferencePrice));
        builder.Services.AddOmsGrains();
        var host = builder.Build();
        await host.StartAsync();
        return new InProcessSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A venue router that accepts every command and sends nothing (counts them).</summary>
internal sealed class NoOpVenueRouter : IVenueOrderRouter
{
    private long _routed;

    public long Routed => Interlocked.Read(ref _routed);

    public ValueTask<RouteResult> RouteAsync(VenueCommand command, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _routed);
        return ValueTask.FromResult(RouteResult.Queued);
    }
}

internal sealed class SingleInstrumentCatalog(InstrumentSpec spec) : IInstrumentCatalog
{
    private readonly ConcurrentDictionary<InstrumentId, InstrumentSpec> _specs = new() { [spec.Id] = spec };

    public IReadOnlyCollection<InstrumentSpec> All => _specs.Values.ToArray();

    public bool TryGet(InstrumentId instrument, out InstrumentSpec spec) => _specs.TryGetValue(instrument, out spec!);
}

internal sealed class FixedPrice(decimal price) : IReferencePriceSource
{
    public decimal? TryGetPrice(InstrumentId instrument) => price;
}
