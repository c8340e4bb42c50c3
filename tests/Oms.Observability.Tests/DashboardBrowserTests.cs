using System.Globalization;
using Microsoft.Extensions.Configuration;
using Oms.Observability.Tests.Infrastructure;
using Oms.Silo.Hosting;

namespace Oms.Observability.Tests;

/// <summary>
/// The Orleans dashboard under <c>/dashboard</c>, loaded in a real headless Chromium (Debian's package). The silo under
/// test runs with the setting used outside development: HTTP Basic authentication, an API token with the Dashboard
/// permission as the password. The dashboard renders client-side; the browser's virtual-time budget lets it poll.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class DashboardBrowserTests(SiloFixture silo)
{
    [Fact]
    public async Task The_dashboard_lists_the_silo_and_the_oms_grain_types_in_a_headless_browser()
    {
        // Activate the OMS grains: the account (provisioning), its risk limits (policy pull) and a position (a fill).
        var account = await silo.ProvisionAccountAsync("dashboard");
        await silo.SubmitAsync(account, "obs-dashboard-1");
        await silo.WaitUntilFilledAsync(account, "obs-dashboard-1");

        var silos = await LoadUntilAsync("#/silos", text => text.Contains("Active", StringComparison.Ordinal));
        Assert.Contains("Orleans Dashboard", silos, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{silo.SiloPort.ToString(CultureInfo.InvariantCulture)}@", silos, StringComparison.Ordinal);
        Assert.Matches(@"Active Silos 1\b", silos);

        string[] grainTypes = ["AccountGrain", "PositionGrain", "RiskLimitGrain"];
        var grains = await LoadUntilAsync("#/grains", text => grainTypes.All(t => text.Contains(t, StringComparison.Ordinal)));
        Assert.All(grainTypes, type => Assert.Matches($@"\b{type} \d+\b", grains));
    }

    [Fact]
    public async Task Outside_development_the_browser_sees_nothing_without_a_dashboard_token()
    {
        var anonymous = HeadlessChromium.VisibleText(await HeadlessChromium.DumpDomAsync(Url("#/silos")));
        Assert.DoesNotContain("Orleans Dashboard", anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("Silo", anonymous, StringComparison.Ordinal);

        // A valid API token whose client lacks the Dashboard permission is refused as well.
        var trader = HeadlessChromium.VisibleText(await HeadlessChromium.DumpDomAsync(Url("#/silos", silo.TraderToken)));
        Assert.DoesNotContain("Orleans Dashboard", trader, StringComparison.Ordinal);

        var wrong = HeadlessChromium.VisibleText(await HeadlessChromium.DumpDomAsync(Url("#/silos", "not-a-token")));
        Assert.DoesNotContain("Orleans Dashboard", wrong, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cluster", true)]
    [InlineData("embedded", false)]
    public void Only_the_embedded_development_profile_opens_the_dashboard_without_credentials(string profile, bool required)
    {
        var builder = OmsSilo.CreateBuilder(["--profile", profile]);
        builder.AddOmsProfile();
        Assert.Equal(required, builder.Configuration.GetValue<bool>($"{OmsDashboardOptions.SectionName}:{nameof(OmsDashboardOptions.RequireAuthentication)}"));
    }

    private string Url(string fragment, string? token = null) =>
        token is null
            ? $"http://127.0.0.1:{silo.DashboardPort}/dashboard/{fragment}"
            : $"http://dashboard:{Uri.EscapeDataString(token)}@127.0.0.1:{silo.DashboardPort}/dashboard/{fragment}";

    /// <summary>Loads a dashboard page as the operator until its visible text satisfies <paramref name="ready"/> (the dashboard aggregates grain statistics periodically).</summary>
    private async Task<string> LoadUntilAsync(string fragment, Func<string, bool> ready)
    {
        var text = string.Empty;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            text = HeadlessChromium.VisibleText(await HeadlessChromium.DumpDomAsync(Url(fragment, silo.OperatorToken)));
            if (ready(text)) return text;
        }
        Assert.Fail($"the dashboard page {fragment} never showed the expected content; it showed: {text}");
        return text;
    }
}
