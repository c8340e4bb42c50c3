namespace Oms.Simulator.Wire.Operations;

/// <summary>The operations of one venue, by REST route and by WS API method name.</summary>
public sealed class OperationCatalog
{
    private readonly List<(string HttpMethod, string Path, Operation Operation)> rest = [];
    private readonly Dictionary<string, Operation> ws = new(StringComparer.Ordinal);

    public IReadOnlyList<(string HttpMethod, string Path, Operation Operation)> Rest => rest;

    public IReadOnlyDictionary<string, Operation> Ws => ws;

    public OperationCatalog Route(string httpMethod, string path, Operation operation)
    {
        rest.Add((httpMethod, path, operation));
        return this;
    }

    public OperationCatalog Method(string name, Operation operation)
    {
        ws[name] = operation;
        return this;
    }

    /// <summary>Finds a WS API method, accepting a version prefix (<c>v3/order.place</c>, <c>v2/account.status</c>).</summary>
    public bool TryGetMethod(string name, out Operation operation)
    {
        if (ws.TryGetValue(name, out operation!))
        {
            return true;
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && name[0] == 'v' && ws.TryGetValue(name[(slash + 1)..], out operation!);
    }
}
