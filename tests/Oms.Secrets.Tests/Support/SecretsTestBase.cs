using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Oms.Secrets.Tests.Support;

/// <summary>
/// Per test: a fake clock, a logger factory capturing everything down to Trace, and a leak detector. Tests end with
/// <see cref="AssertNoSecretsLeaked"/> over the logs plus whatever exceptions and objects they produced.
/// </summary>
public abstract class SecretsTestBase : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();

    protected SecretsTestBase()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        Loggers = _logs.CreateFactory();
    }

    internal FakeTimeProvider Time { get; }

    internal ILoggerFactory Loggers { get; }

    internal LeakDetector Leaks { get; } = new();

    internal IReadOnlyCollection<string> LogEntries => _logs.Entries;

    /// <summary>Asserts that no registered secret shows up in the logs or in the text of <paramref name="produced"/>.</summary>
    internal void AssertNoSecretsLeaked(params object?[] produced)
    {
        var texts = new List<string?>(LogEntries);
        foreach (var item in produced)
        {
            switch (item)
            {
                case null:
                    break;
                case Exception ex:
                    texts.Add(ex.ToString());
                    texts.Add(ex.Message);
                    break;
                default:
                    texts.Add(item.ToString());
                    break;
            }
        }

        Leaks.AssertNoLeak(texts);
    }

    public void Dispose()
    {
        Loggers.Dispose();
        GC.SuppressFinalize(this);
    }
}
