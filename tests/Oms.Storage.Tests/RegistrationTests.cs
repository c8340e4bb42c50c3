using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oms.Storage.PostgreSql;
using Oms.Storage.PostgreSql.Journal;
using Oms.Storage.Tests.Infrastructure;

namespace Oms.Storage.Tests;

public sealed class RegistrationTests(EmptyDatabaseFixture fixture) : IClassFixture<EmptyDatabaseFixture>
{
    [Fact]
    public void Redaction_hides_passwords_and_keeps_the_rest()
    {
        var redacted = PostgresConnectionStrings.Redact("Host=db;Username=oms;Password=s3cr3t;Database=oms;SSL Password=k3y");

        Assert.DoesNotContain("s3cr3t", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", redacted, StringComparison.Ordinal);
        Assert.Contains("Host=db", redacted, StringComparison.Ordinal);
        Assert.Contains("Password=***", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", new OmsPostgresOptions { ConnectionString = "Host=db;Password=s3cr3t;Database=x" }.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", PostgresConnectionStrings.Redact("Host=db;Password=s3cr3t;Nonsense"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "ConnectionString is required")]
    [InlineData("Host=db;Username=oms", "has no Database")]
    [InlineData("Database=oms;Username=oms", "has no Host")]
    [InlineData("Host=db;Database=oms;NoSuchKeyword=1", "not a valid Npgsql connection string")]
    public void Validator_names_what_is_wrong(string connectionString, string expected)
    {
        var result = new OmsPostgresOptionsValidator().Validate(null, new OmsPostgresOptions { ConnectionString = connectionString });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_with_invalid_options_fails_at_start_without_leaking_the_password()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOmsPostgres(o => o.ConnectionString = "Password=s3cr3t;Username=oms");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("has no Host", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_creates_and_migrates_the_database_before_other_hosted_services_start()
    {
        var connectionString = PostgresConnectionStrings.WithDatabase(fixture.ConnectionString, TestPostgres.NewDatabaseName("host"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var probe = new SchemaProbe(connectionString);

        // The probe is registered BEFORE AddOmsPostgres and still finds the schema in place.
        builder.Services.AddSingleton<IHostedService>(probe);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oms:Postgres:ConnectionString"] = connectionString,
            ["Oms:Postgres:CreateDatabaseIfMissing"] = "true",
        });
        builder.Services.AddOmsPostgres(builder.Configuration.GetSection(OmsPostgresOptions.SectionName));
        try
        {
            using var host = builder.Build();
            await host.StartAsync();

            Assert.Equal(SchemaMigrations.Embedded.Select(m => m.Version), probe.VersionsSeenAtStart);
            var journal = host.Services.GetRequiredService<IEventJournal>();
            Assert.Equal(AppendOutcome.Appended, await journal.AppendAsync("s", 0, "K", "{}"));
            Assert.True(host.Services.GetRequiredService<IOptions<OmsPostgresOptions>>().Value.ApplyMigrationsOnStart);
            await host.StopAsync();
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private sealed class SchemaProbe(string connectionString) : IHostedService
    {
        public IReadOnlyList<int> VersionsSeenAtStart { get; private set; } = [];

        public async Task StartAsync(CancellationToken cancellationToken) =>
            VersionsSeenAtStart = await PostgresMigrator.GetAppliedVersionsAsync(connectionString, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
