using System.Collections.Frozen;

namespace Oms.Silo.Venues;

/// <summary>
/// The instrument catalog loaded from <c>Oms:Instruments</c> at start-up (until connectors refresh it from the venues).
/// Construction fails with every configuration problem listed, so a bad filter never reaches the risk checks.
/// </summary>
public sealed class ConfiguredInstrumentCatalog : IInstrumentCatalog
{
    public const string SectionName = "Oms:Instruments";

    private readonly FrozenDictionary<InstrumentId, InstrumentSpec> specs;

    public ConfiguredInstrumentCatalog(IEnumerable<InstrumentSpec> specs)
    {
        var list = specs.ToList();
        var duplicate = list.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"instrument {duplicate.Key} is configured more than once");
        this.specs = list.ToFrozenDictionary(s => s.Id);
    }

    public IReadOnlyCollection<InstrumentSpec> All => specs.Values;

    public bool TryGet(InstrumentId instrument, out InstrumentSpec spec) => specs.TryGetValue(instrument, out spec!);

    /// <summary>Reads and validates <c>Oms:Instruments</c>.</summary>
    public static ConfiguredInstrumentCatalog FromConfiguration(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<List<InstrumentOptions>>() ?? [];
        var failures = new List<string>();
        var specs = options.Select((o, i) => o.ToSpec($"{SectionName}:{i}", failures)).ToList();
        if (failures.Count > 0) throw new InvalidOperationException("invalid instrument configuration: " + string.Join("; ", failures));
        return new ConfiguredInstrumentCatalog(specs);
    }
}
