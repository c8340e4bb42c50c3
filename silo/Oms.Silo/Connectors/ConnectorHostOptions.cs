namespace Oms.Silo.Connectors;

/// <summary>How this silo runs its venue connectors (<c>Oms:Connectors</c>).</summary>
public sealed class ConnectorHostOptions
{
    public const string SectionName = "Oms:Connectors";

    /// <summary>
    /// How often every configured account is touched so its grain — and with it the account's venue sessions — stays
    /// active, and is re-activated on a surviving silo within this interval after its silo died.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    public BinanceConnectorHostOptions Binance { get; set; } = new();
}

/// <summary><c>Oms:Connectors:Binance</c>: whether the spot connector runs and where its simulator is.</summary>
public sealed class BinanceConnectorHostOptions
{
    /// <summary>Runs the Binance spot connector in this silo. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    public EmbeddedSimulatorOptions Simulator { get; set; } = new();
}

/// <summary><c>Oms:Connectors:Binance:Simulator</c>: the in-process Binance simulator of the embedded profile.</summary>
public sealed class EmbeddedSimulatorOptions
{
    /// <summary>
    /// Starts the simulator inside the silo on loopback and points the connector at it. Null: on in the embedded
    /// profile, off in the cluster profile (which uses <c>Oms:Connectors:Binance</c> addresses: a standalone simulator
    /// or Binance itself).
    /// </summary>
    public bool? Embedded { get; set; }

    /// <summary>Loopback port of the embedded simulator; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Spot balances each configured Binance account starts with in the embedded simulator.</summary>
    public Dictionary<string, string> DemoBalances { get; set; } = new(StringComparer.Ordinal)
    {
        ["USDT"] = "100000",
        ["BTC"] = "2",
        ["ETH"] = "20",
    };

    /// <summary>USDⓈ-M wallet balances each configured Binance account starts with in the embedded simulator.</summary>
    public Dictionary<string, string> DemoFuturesBalances { get; set; } = new(StringComparer.Ordinal) { ["USDT"] = "100000" };
}
