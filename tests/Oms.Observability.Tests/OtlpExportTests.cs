using Oms.Observability.Tests.Infrastructure;

namespace Oms.Observability.Tests;

/// <summary>
/// The OTLP exporter, configured only through the standard OpenTelemetry settings (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, …), delivering to a stand-in collector.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class OtlpExportTests(SiloFixture silo)
{
    [Fact]
    public async Task Traces_metrics_and_logs_of_a_submit_reach_the_configured_collector()
    {
        var account = await silo.ProvisionAccountAsync("otlp");
        await silo.SubmitAsync(account, "obs-otlp-1");
        await silo.WaitUntilFilledAsync(account, "obs-otlp-1");

        // Protobuf strings are UTF-8 on the wire: the service name, span names and attribute values can be found as is.
        await silo.Collector.WaitForAsync("/v1/traces", SiloFixture.ServiceName, OmsTelemetry.SubmitSpanName, "obs-otlp-1");
        await silo.Collector.WaitForAsync("/v1/metrics", SiloFixture.ServiceName, OmsTelemetry.Names.Orders, account);
        await silo.Collector.WaitForAsync("/v1/logs", SiloFixture.ServiceName, "obs-otlp-1", account);
    }
}
