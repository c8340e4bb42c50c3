using Microsoft.Extensions.Options;

namespace Oms.Gateway.Auth;

/// <summary>Checks the gateway settings at start-up; messages name the offending key and never contain a token.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var key = $"{GatewayOptions.SectionName}:Clients:{i}";
            Validate(client, key, failures);
            if (!names.Add(client.Name)) failures.Add($"{key}:Name '{client.Name}' is used by more than one client.");
            if (client.TokenSha256.Length > 0 && !hashes.Add(client.TokenSha256)) failures.Add($"{key}:TokenSha256 is shared with another client.");
            for (var g = 0; g < client.Grants.Count; g++)
            {
                var grant = client.Grants[g];
                var grantKey = $"{key}:Grants:{g}";
                if (grant.Account != "*" && !AccountId.TryParse(grant.Account, out _))
                    failures.Add($"{grantKey}:Account '{grant.Account}' is neither '*' nor a valid account id.");
                if (grant.Permissions.Count == 0)
                    failures.Add($"{grantKey}:Permissions is empty (use Read, Trade, Risk and/or Dashboard).");
                if (grant.Permissions.Any(p => !Enum.IsDefined(p)))
                    failures.Add($"{grantKey}:Permissions has an unknown permission (use Read, Trade, Risk and/or Dashboard).");
            }
        }

        if (options.DevelopmentClient.Enabled)
        {
            Validate(options.DevelopmentClient, $"{GatewayOptions.SectionName}:DevelopmentClient", failures);
            if (names.Contains(options.DevelopmentClient.Name))
                failures.Add($"{GatewayOptions.SectionName}:DevelopmentClient:Name '{options.DevelopmentClient.Name}' is also a configured client.");
        }

        if (options.StreamPollWait <= TimeSpan.Zero || options.StreamPollWait > TimeSpan.FromSeconds(25))
            failures.Add($"{GatewayOptions.SectionName}:StreamPollWait must be in (0, 25s] to stay below the grain call timeout (was {options.StreamPollWait}).");
        if (options.StreamRetryBudget <= TimeSpan.Zero)
            failures.Add($"{GatewayOptions.SectionName}:StreamRetryBudget must be positive (was {options.StreamRetryBudget}).");
        Validate(options, GatewayOptions.SectionName, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Validate(object instance, string key, List<string> failures)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(instance, new(instance), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{key}: {r.ErrorMessage}"));
        }
    }
}
