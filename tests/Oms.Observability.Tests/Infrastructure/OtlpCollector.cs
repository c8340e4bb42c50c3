using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>
/// A stand-in OpenTelemetry collector: accepts OTLP/HTTP (protobuf) exports on a loopback port and keeps the request
/// bodies by path (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>). The silo under test is pointed at it
/// through the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> setting.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, byte[] Body)> received = new();
    private WebApplication? app;

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        Port = FreePorts.Take(1)[0];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, l => l.Protocols = HttpProtocols.Http1));
        app = builder.Build();
        app.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue(("/v1/" + signal, body.ToArray()));
            // An empty ExportServiceResponse (protobuf) is an empty body.
            context.Response.ContentType = "application/x-protobuf";
            return Results.Ok();
        });
        await app.StartAsync();
    }

    /// <summary>Bodies received on <paramref name="path"/>.</summary>
    public IReadOnlyList<byte[]> Bodies(string path) => received.Where(r => r.Path == path).Select(r => r.Body).ToArray();

    /// <summary>Waits (bounded) until a body on <paramref name="path"/> contains every one of <paramref name="texts"/> (UTF-8).</summary>
    public async Task<byte[]> WaitForAsync(string path, params string[] texts)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var body = Bodies(path).FirstOrDefault(b => texts.All(t => Contains(b, t)));
            if (body is not null) return body;
            await Task.Delay(50);
        }
        Assert.Fail($"the collector received no {path} export containing [{string.Join(", ", texts)}]; it received {Bodies(path).Count} on that path " +
            $"and these paths: {string.Join(", ", received.Select(r => r.Path).Distinct())}");
        return null!;
    }

    public static bool Contains(byte[] body, string text) =>
        body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }
}
