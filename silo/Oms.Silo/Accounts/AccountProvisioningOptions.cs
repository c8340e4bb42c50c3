using System.ComponentModel.DataAnnotations;

namespace Oms.Silo.Accounts;

/// <summary>One account provisioned at start-up from <c>Oms:Accounts</c> (idempotent: an existing account is updated).</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Oms:Accounts";

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Id { get; set; } = string.Empty;

    [Required]
    public Venue? Venue { get; set; }

    [MinLength(1)]
    public List<MarketType> Markets { get; set; } = [];

    public PositionMode PositionMode { get; set; } = PositionMode.OneWay;

    public string? DisplayName { get; set; }

    /// <summary>Prefix of OMS-generated client order ids (venue-legal, at most 8 characters).</summary>
    [Required, RegularExpression("^[A-Za-z0-9]{1,8}$")]
    public string ClientOrderIdPrefix { get; set; } = "oms";

    public AccountConfig ToConfig() => new()
    {
        Venue = Venue!.Value,
        Markets = Markets.Distinct().ToArray(),
        PositionMode = PositionMode,
        DisplayName = DisplayName,
        ClientOrderIdPrefix = ClientOrderIdPrefix,
    };

    /// <summary>Reads and validates every configured account.</summary>
    public static IReadOnlyList<AccountOptions> Read(IConfiguration configuration)
    {
        var accounts = configuration.GetSection(SectionName).Get<List<AccountOptions>>() ?? [];
        var failures = new List<string>();
        for (var i = 0; i < accounts.Count; i++)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(accounts[i], new ValidationContext(accounts[i]), results, validateAllProperties: true))
                failures.AddRange(results.Select(r => $"{SectionName}:{i}: {r.ErrorMessage}"));
            if (accounts[i].Venue is { } venue && !Enum.IsDefined(venue)) failures.Add($"{SectionName}:{i}:Venue is not a known venue");
            if (accounts[i].Markets.Any(m => !Enum.IsDefined(m))) failures.Add($"{SectionName}:{i}:Markets has an unknown market type");
        }
        foreach (var duplicate in accounts.GroupBy(a => a.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            failures.Add($"{SectionName}: account '{duplicate.Key}' is configured more than once");
        if (failures.Count > 0) throw new InvalidOperationException("invalid account configuration: " + string.Join("; ", failures));
        return accounts;
    }
}
