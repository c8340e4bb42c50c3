using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Oms.Cluster.Tests.Infrastructure;

/// <summary>Command-line configuration for one silo of a test cluster (cluster profile, own ports, shared database).</summary>
public sealed class ClusterSettings(string connectionString, string clusterId, string workDirectory)
{
    public string Token { get; } = "cluster_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public string ClusterId => clusterId;

    public CallOptions Call(CancellationToken cancellationToken = default) =>
        new(new Metadata { { "authorization", "Bearer " + Token } }, deadline: DateTime.UtcNow.AddSeconds(20), cancellationToken: cancellationToken);

    /// <summary>
    /// Starts silo <paramref name="name"/> running <paramref name="dll"/> on fresh ports, provisioning <paramref name="accounts"/>;
    /// <paramref name="extraArguments"/> are appended as given (e.g. <c>--Oms:Connectors:Binance:Enabled=false</c>). The accounts
    /// trade <paramref name="market"/> (a <c>MarketType</c> name); <paramref name="environment"/> is added to the process environment.
    /// </summary>
    public SiloProcess Start(string name, string dll, IReadOnlyList<string> accounts, IReadOnlyList<string>? extraArguments = null,
        string market = "UsdMFutures", IReadOnlyDictionary<string, string>? environment = null)
    {
        var ports = FreePorts.Take(4);
        string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "--profile", "cluster",
            $"--Oms:Postgres:ConnectionString={connectionString}",
            "--Oms:Postgres:ApplyMigrationsOnStart=true",
            "--Oms:Host:ListenAddress=127.0.0.1",
            "--Oms:Host:AdvertisedAddress=127.0.0.1",
            $"--Oms:Host:GrpcPort={P(ports[0])}",
            $"--Oms:Host:DashboardPort={P(ports[1])}",
            $"--Oms:Host:SiloPort={P(ports[2])}",
            $"--Oms:Host:OrleansGatewayPort={P(ports[3])}",
            $"--Oms:Host:ClusterId={clusterId}",
            "--Oms:Host:ServiceId=oms-cluster-tests",
            $"--Oms:Logging:FilePath={Path.Combine(workDirectory, name + ".log")}",
            "--Oms:Gateway:StreamPollWait=00:00:03",
            "--Oms:Grains:MaxReadWait=00:00:03",
            "--Oms:Gateway:Clients:0:Name=cluster-test",
            $"--Oms:Gateway:Clients:0:TokenSha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token)))}",
            "--Oms:Gateway:Clients:0:Grants:0:Account=*",
            "--Oms:Gateway:Clients:0:Grants:0:Permissions:0=Read",
            "--Oms:Gateway:Clients:0:Grants:0:Permissions:1=Trade",
        };
        // The cluster profile provisions no account of its own (the demo accounts are embedded-only).
        for (var i = 0; i < accounts.Count; i++)
        {
            var key = $"--Oms:Accounts:{P(i)}";
            args.Add($"{key}:Id={accounts[i]}");
            args.Add($"{key}:Venue=Binance");
            args.Add($"{key}:Markets:0={market}");
            args.Add($"{key}:PositionMode=OneWay");
            args.Add($"{key}:ClientOrderIdPrefix=ct");
            args.Add($"{key}:DisplayName=cluster test {accounts[i]}");
        }
        if (extraArguments is not null) args.AddRange(extraArguments);
        return SiloProcess.Start(name, dll, Path.Combine(workDirectory, name), ports[0], ports[1], args, environment);
    }
}
