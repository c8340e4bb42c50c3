using System.Diagnostics.Metrics;
using System.Reflection;
using Oms.Silo.Hosting;

namespace Oms.Observability.Tests.Infrastructure;

/// <summary>
/// Every instrument the OMS code defines on its own meters (<see cref="OmsTelemetry.MeterName"/>, the connectors'
/// and the Binance connector's), found the way the code creates them: <see cref="OmsTelemetry"/>'s static instruments,
/// plus an instance of every metrics class (a type with a <c>MeterName</c> constant naming one of those meters,
/// constructed with no meter factory so it owns its meter). A <see cref="MeterListener"/> collects what they publish.
/// </summary>
public static class OmsInstruments
{
    /// <summary>The meters whose instruments the OMS code defines.</summary>
    public static IReadOnlyList<string> Meters { get; } = [OmsTelemetry.MeterName, OmsTelemetry.ConnectorsMeterName, OmsTelemetry.BinanceMeterName];

    public static IReadOnlyList<Instrument> All() => Collected.Value;

    private static readonly Lazy<IReadOnlyList<Instrument>> Collected = new(Collect);

    private static List<Instrument> Collect()
    {
        var found = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (Meters.Contains(instrument.Meter.Name)) lock (found) found.Add(instrument);
            },
        };
        _ = OmsTelemetry.Instruments; // the static instruments exist from here on
        var owners = MetricsClasses().Select(type => (IDisposable)Activator.CreateInstance(type, [null])!).ToList();
        try
        {
            listener.Start(); // publishes every instrument created so far
            return found.DistinctBy(i => (i.Meter.Name, i.Name)).ToList();
        }
        finally
        {
            foreach (var owner in owners) owner.Dispose();
        }
    }

    /// <summary>Types with a <c>public const string MeterName</c> naming an OMS meter, in the OMS assemblies the silo loads.</summary>
    private static IEnumerable<Type> MetricsClasses()
    {
        foreach (var assembly in OmsAssemblies())
        {
            foreach (var type in assembly.GetTypes())
            {
                var field = type.GetField("MeterName", BindingFlags.Public | BindingFlags.Static);
                if (field is not { IsLiteral: true } || field.GetRawConstantValue() is not string meter || !Meters.Contains(meter)) continue;
                if (type == typeof(OmsTelemetry)) continue;
                if (!typeof(IDisposable).IsAssignableFrom(type) || type.GetConstructor([typeof(IMeterFactory)]) is null)
                {
                    throw new InvalidOperationException($"{type} defines instruments on meter {meter}; give it a constructor taking an optional IMeterFactory so the dashboard check can see them");
                }
                yield return type;
            }
        }
    }

    private static List<Assembly> OmsAssemblies()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(OmsSilo).Assembly, typeof(OmsTelemetry).Assembly]);
        while (pending.Count > 0)
        {
            var assembly = pending.Pop();
            if (!seen.TryAdd(assembly.GetName().Name!, assembly)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is { } name && name.StartsWith("Oms.", StringComparison.Ordinal) && !seen.ContainsKey(name))
                    pending.Push(Assembly.Load(reference));
            }
        }
        return seen.Values.ToList();
    }
}
