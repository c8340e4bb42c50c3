using System.Diagnostics;
using System.Text;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>
/// Runs Debian's Chromium headless against a URL and returns the DOM after the page's scripts ran. The dashboard is
/// rendered client-side from polled JSON, so the page gets a virtual-time budget: Chromium fast-forwards its timers
/// while waiting for the page's network requests, then serialises the DOM.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Where Chromium is looked for: <c>CHROMIUM_PATH</c>, else Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    /// <summary>Loads <paramref name="url"/> in a fresh profile and returns the serialised DOM (fails the test when Chromium is missing).</summary>
    public static async Task<string> DumpDomAsync(string url, int virtualTimeBudgetMs = 10_000)
    {
        var executable = ExecutablePath;
        Assert.True(File.Exists(executable),
            $"Chromium is required for the dashboard tests and was not found at {executable}: install it with `apt-get install -y chromium` " +
            "(.ci/run does this) or set CHROMIUM_PATH.");
        var profile = Path.Combine(Path.GetTempPath(), "oms-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--virtual-time-budget=" + virtualTimeBudgetMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--dump-dom", url,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish loading {Redact(url)} within 90 s; stderr: {Tail(await stderr)}");
            }
            var dom = await stdout;
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode} loading {Redact(url)}; stderr: {Tail(await stderr)}");
            return dom;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The visible text of a serialised DOM: tags, scripts and styles removed, whitespace collapsed.</summary>
    public static string VisibleText(string dom)
    {
        var withoutScripts = System.Text.RegularExpressions.Regex.Replace(dom, "<(script|style)[^>]*>.*?</\\1>", " ",
            System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var text = System.Text.RegularExpressions.Regex.Replace(withoutScripts, "<[^>]+>", " ");
        text = System.Net.WebUtility.HtmlDecode(text);
        return System.Text.RegularExpressions.Regex.Replace(text, "\\s+", " ").Trim();
    }

    private static string Redact(string url) => System.Text.RegularExpressions.Regex.Replace(url, "//[^/@]+@", "//***@");

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
