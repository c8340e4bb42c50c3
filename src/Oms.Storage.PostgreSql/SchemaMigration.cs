using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Oms.Storage.PostgreSql;

/// <summary>One versioned schema change, applied at most once per database inside its own transaction.</summary>
/// <param name="Version">Positive, unique, applied in ascending order.</param>
/// <param name="Name">Short description, e.g. <c>orleans_clustering</c>.</param>
/// <param name="Sql">The statements to run.</param>
public sealed record SchemaMigration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the SQL text with line endings normalised, recorded when the migration is applied.</summary>
    public string Checksum { get; } = ComputeChecksum(Sql);

    /// <summary>The migration's display name, e.g. <c>0002_orleans_clustering</c>.</summary>
    public override string ToString() => $"{Version:0000}_{Name}";

    private static string ComputeChecksum(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var normalized = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }
}

/// <summary>The migrations shipped in this assembly (embedded <c>Migrations/NNNN_name.sql</c> files).</summary>
public static partial class SchemaMigrations
{
    private const string ResourcePrefix = "Oms.Storage.PostgreSql.Migrations.";

    private static readonly Lazy<IReadOnlyList<SchemaMigration>> EmbeddedMigrations = new(LoadEmbedded);

    /// <summary>All embedded migrations in ascending version order.</summary>
    public static IReadOnlyList<SchemaMigration> Embedded => EmbeddedMigrations.Value;

    /// <summary>The highest embedded version: the schema version this build expects.</summary>
    public static int LatestVersion => Embedded[^1].Version;

    /// <summary>Orders and checks a set of migrations: versions must be positive and unique, names non-empty.</summary>
    public static IReadOnlyList<SchemaMigration> Validate(IEnumerable<SchemaMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        if (ordered.Count == 0)
        {
            throw new ArgumentException("At least one migration is required.", nameof(migrations));
        }

        for (var i = 0; i < ordered.Count; i++)
        {
            var migration = ordered[i];
            if (migration.Version <= 0)
            {
                throw new ArgumentException($"Migration {migration} has a non-positive version.", nameof(migrations));
            }

            if (string.IsNullOrWhiteSpace(migration.Name) || string.IsNullOrWhiteSpace(migration.Sql))
            {
                throw new ArgumentException($"Migration {migration.Version} needs a name and SQL.", nameof(migrations));
            }

            if (i > 0 && ordered[i - 1].Version == migration.Version)
            {
                throw new ArgumentException(
                    $"Migrations {ordered[i - 1]} and {migration} share version {migration.Version}.", nameof(migrations));
            }
        }

        return ordered;
    }

    private static IReadOnlyList<SchemaMigration> LoadEmbedded()
    {
        var assembly = typeof(SchemaMigrations).Assembly;
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[ResourcePrefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException(
                    $"Embedded migration '{fileName}' is not named NNNN_name.sql.");
            }

            migrations.Add(new SchemaMigration(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                ReadResource(assembly, resource)));
        }

        return Validate(migrations);
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration resource '{resource}' could not be opened.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
