using Xunit;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>
/// Every conformance class runs in this one collection, one after another: each node process wants a core, and the
/// whole suite must stay inside its time budget on a loaded 2-core machine. Each class still gets its own simulator.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConformanceCollection
{
    public const string Name = "Conformance";
}
