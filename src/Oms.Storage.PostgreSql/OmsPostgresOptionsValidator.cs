using Microsoft.Extensions.Options;
using Npgsql;

namespace Oms.Storage.PostgreSql;

/// <summary>Validates <see cref="OmsPostgresOptions"/> at start-up; messages never contain the password.</summary>
public sealed class OmsPostgresOptionsValidator : IValidateOptions<OmsPostgresOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OmsPostgresOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{nameof(OmsPostgresOptions)}.{nameof(OmsPostgresOptions.ConnectionString)} is required " +
                         $"(configuration key {OmsPostgresOptions.SectionName}:{nameof(OmsPostgresOptions.ConnectionString)}).");
        }
        else
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    failures.Add($"{nameof(OmsPostgresOptions)}.{nameof(OmsPostgresOptions.ConnectionString)} has no Host.");
                }

                if (string.IsNullOrWhiteSpace(builder.Database))
                {
                    failures.Add($"{nameof(OmsPostgresOptions)}.{nameof(OmsPostgresOptions.ConnectionString)} has no Database.");
                }
            }
            catch (ArgumentException ex)
            {
                // The parser's message names the bad keyword, not the values.
                failures.Add($"{nameof(OmsPostgresOptions)}.{nameof(OmsPostgresOptions.ConnectionString)} is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        if (options.MigrationLockTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(OmsPostgresOptions)}.{nameof(OmsPostgresOptions.MigrationLockTimeout)} must be positive (was {options.MigrationLockTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
