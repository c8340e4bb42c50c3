using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Oms.Silo.Hosting;

/// <summary>Network endpoints and cluster identity of this silo, bound from <c>Oms:Host</c> and validated at start-up.</summary>
public sealed class OmsHostOptions : IValidatableObject
{
    public const string SectionName = "Oms:Host";

    /// <summary>Address Kestrel listens on for gRPC and the dashboard: 127.0.0.1 (default) or 0.0.0.0 in containers.</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Plaintext HTTP/2-only port of the oms.v1 gRPC services, health and reflection.</summary>
    [Range(1, 65535)]
    public int GrpcPort { get; set; } = 5100;

    /// <summary>HTTP/1.1 port of the Orleans dashboard (under <c>/dashboard</c>); 0 disables the dashboard.</summary>
    [Range(0, 65535)]
    public int DashboardPort { get; set; } = 5101;

    /// <summary>Orleans silo-to-silo port.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port (external Orleans clients); 0 disables it.</summary>
    [Range(0, 65535)]
    public int OrleansGatewayPort { get; set; } = 30000;

    /// <summary>Silos with the same cluster id form one cluster.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ClusterId { get; set; } = "oms-dev";

    /// <summary>Identifies the application across deployments (grain state and reminders are keyed by it).</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ServiceId { get; set; } = "oms";

    /// <summary>
    /// The address other silos reach this one at (cluster profile). Empty: the host's primary address.
    /// Use 127.0.0.1 to run several silos on one machine.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(ListenAddress, out _))
            yield return new ValidationResult($"{SectionName}:ListenAddress '{ListenAddress}' is not an IP address.", [nameof(ListenAddress)]);
        if (!string.IsNullOrWhiteSpace(AdvertisedAddress) && !IPAddress.TryParse(AdvertisedAddress, out _))
            yield return new ValidationResult($"{SectionName}:AdvertisedAddress '{AdvertisedAddress}' is not an IP address.", [nameof(AdvertisedAddress)]);
        var ports = new[] { ("GrpcPort", GrpcPort), ("DashboardPort", DashboardPort), ("SiloPort", SiloPort), ("OrleansGatewayPort", OrleansGatewayPort) }
            .Where(p => p.Item2 != 0).ToList();
        foreach (var clash in ports.GroupBy(p => p.Item2).Where(g => g.Count() > 1))
            yield return new ValidationResult($"{SectionName}: {string.Join(" and ", clash.Select(p => p.Item1))} share port {clash.Key}.");
    }

    /// <summary>Reads and validates the options directly from configuration (needed before the container exists).</summary>
    public static OmsHostOptions Read(IConfiguration configuration)
    {
        var options = new OmsHostOptions();
        configuration.GetSection(SectionName).Bind(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new InvalidOperationException("invalid host settings: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
        return options;
    }
}
