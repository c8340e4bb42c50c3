using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Oms.Gateway.Tests.Infrastructure;

namespace Oms.Gateway.Tests;

[Collection(SiloCollection.Name)]
public sealed class HealthAndReflectionTests(SiloFixture silo)
{
    [Fact]
    public async Task Health_is_serving_once_the_silo_has_started()
    {
        var health = new Health.HealthClient(silo.Channel);
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_lists_the_oms_services()
    {
        var reflection = new ServerReflection.ServerReflectionClient(silo.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("oms.v1.OrderService", names);
        Assert.Contains("oms.v1.AccountService", names);
        Assert.Contains("oms.v1.RiskService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task The_dashboard_is_served_on_its_own_port_only()
    {
        using var http = new HttpClient();
        using var onDashboardPort = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.DashboardPort}/dashboard/"));
        Assert.True(onDashboardPort.IsSuccessStatusCode, $"dashboard answered {(int)onDashboardPort.StatusCode}");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{silo.GrpcPort}/dashboard/"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var onGrpcPort = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, onGrpcPort.StatusCode);
    }

    [Fact]
    public async Task Plain_http_health_answers_on_the_http_port_for_container_probes()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.DashboardPort}/healthz"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
