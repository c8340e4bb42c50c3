namespace Oms.Storage.Tests.Infrastructure;

/// <summary>Polls for a condition with a generous bound; the bound is a hang guard, not a timing assertion.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(90);

    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? DefaultLimit);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {limit ?? DefaultLimit}; last observed: {last}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, what, limit);
}
