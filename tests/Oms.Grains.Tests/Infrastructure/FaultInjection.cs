using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Oms.Grains.Tests.Infrastructure;

/// <summary>Failures a test arms for specific grain calls (by method name and grain key).</summary>
public sealed class FaultInjector
{
    private readonly ConcurrentDictionary<(string Method, string Key), int> _remaining = new();

    public void FailNext(string method, string grainKey, int times) => _remaining[(method, grainKey)] = times;

    public bool TryConsume(string method, string grainKey)
    {
        while (_remaining.TryGetValue((method, grainKey), out var left) && left > 0)
        {
            if (_remaining.TryUpdate((method, grainKey), left - 1, left)) return true;
        }
        return false;
    }
}

/// <summary>Thrown by <see cref="FaultInjectionFilter"/> in place of the real call.</summary>
public sealed class InjectedFaultException : Exception
{
    public InjectedFaultException() { }
    public InjectedFaultException(string message) : base(message) { }
    public InjectedFaultException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A silo-side call filter that fails the calls a test armed in <see cref="TestEnvironment.Faults"/>.</summary>
public sealed class FaultInjectionFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.Request.GetMethodName();
        var key = context.TargetId.Key.ToString();
        if (key is not null && TestEnvironment.Faults.TryConsume(method, key))
        {
            throw new InjectedFaultException($"injected failure of {method} on {key}");
        }
        return context.Invoke();
    }
}
