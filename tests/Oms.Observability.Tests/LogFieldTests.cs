using System.Text.Json;
using Oms.Observability.Tests.Infrastructure;

namespace Oms.Observability.Tests;

/// <summary>The structured log file (<c>logs/oms.log</c>, CLEF JSON) of the silo under test.</summary>
[Collection(SiloCollection.Name)]
public sealed class LogFieldTests(SiloFixture silo)
{
    [Fact]
    public async Task A_submitted_orders_log_lines_carry_account_client_order_id_and_trace_id_fields()
    {
        var account = await silo.ProvisionAccountAsync("logs");
        await silo.SubmitAsync(account, "obs-log-1");
        await silo.WaitUntilFilledAsync(account, "obs-log-1");
        var submit = await silo.Spans.WaitForAsync(
            s => s.DisplayName == OmsTelemetry.SubmitSpanName && (s.GetTagItem(OmsTelemetry.Attributes.ClientOrderId) as string) == "obs-log-1", "submit");

        var lines = await WaitForLinesAsync(e => Field(e, "ClientOrderId") == "obs-log-1");
        var submitted = Assert.Single(lines, e => Field(e, "@mt")?.Contains("submitted order", StringComparison.Ordinal) == true);
        Assert.Equal(account, Field(submitted, "Account"));
        Assert.Equal("Oms.Grains.AccountGrain", Field(submitted, "SourceContext"));
        // Written inside the grain's turn: the trace and span ids are those of the order's trace.
        Assert.Equal(submit.TraceId.ToHexString(), Field(submitted, "@tr"));
        Assert.False(string.IsNullOrEmpty(Field(submitted, "@sp")));
        Assert.All(lines, e => Assert.Equal(account, Field(e, "Account")));
    }

    [Fact]
    public void The_log_file_is_logs_oms_log()
    {
        Assert.Equal("oms.log", Path.GetFileName(silo.LogFile));
        Assert.True(File.Exists(silo.LogFile), $"{silo.LogFile} was not written");
        Assert.Equal(["oms.log"], Directory.GetFiles(Path.GetDirectoryName(silo.LogFile)!).Select(Path.GetFileName));
    }

    private async Task<List<JsonElement>> WaitForLinesAsync(Func<JsonElement, bool> match)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var matching = ReadEvents().Where(match).ToList();
            if (matching.Count > 0) return matching;
            await Task.Delay(100);
        }
        Assert.Fail($"no matching line in {silo.LogFile}");
        return [];
    }

    private List<JsonElement> ReadEvents()
    {
        using var stream = new FileStream(silo.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var events = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            using var document = JsonDocument.Parse(line);
            events.Add(document.RootElement.Clone());
        }
        return events;
    }

    private static string? Field(JsonElement logEvent, string name) =>
        logEvent.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;
}
