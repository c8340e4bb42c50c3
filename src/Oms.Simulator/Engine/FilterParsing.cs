namespace Oms.Simulator.Engine;

internal static class FilterParsing
{
    public static EngineResult<SpotFilters> ApplySpot(SpotFilters filters, string filterType, IReadOnlyDictionary<string, string> fields) =>
        throw new NotImplementedException();
}
