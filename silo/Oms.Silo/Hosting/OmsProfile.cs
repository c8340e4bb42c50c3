using Microsoft.Extensions.Configuration.Json;

namespace Oms.Silo.Hosting;

/// <summary>How the silo runs: everything in one process and in memory, or as a member of a PostgreSQL-backed cluster.</summary>
public enum OmsProfile
{
    /// <summary>One silo, localhost clustering, in-memory grain storage and reminders, a development API client.</summary>
    Embedded = 1,
    /// <summary>ADO.NET clustering, grain storage and reminders on PostgreSQL; several silos form one cluster.</summary>
    Cluster = 2,
}

public static class OmsProfiles
{
    /// <summary>Configuration key of the profile (<c>Oms__Profile</c> in the environment).</summary>
    public const string ConfigurationKey = "Oms:Profile";

    /// <summary>
    /// Reads the profile from <c>--profile NAME</c>, <c>Oms:Profile</c> or the <c>OMS_PROFILE</c> environment variable,
    /// in that order of precedence. Embedded when none is set.
    /// </summary>
    public static OmsProfile Resolve(IConfiguration configuration)
    {
        var text = configuration["profile"] ?? configuration[ConfigurationKey] ?? configuration["OMS_PROFILE"];
        if (string.IsNullOrWhiteSpace(text)) return OmsProfile.Embedded;
        if (Enum.TryParse<OmsProfile>(text.Trim(), ignoreCase: true, out var profile) && Enum.IsDefined(profile)) return profile;
        throw new InvalidOperationException($"unknown OMS profile '{text}': use 'embedded' or 'cluster' (--profile, Oms:Profile or OMS_PROFILE)");
    }

    /// <summary>
    /// Resolves the profile and layers <c>appsettings.{Profile}.json</c> over <c>appsettings.json</c> (and under the
    /// environment-specific file, environment variables and the command line).
    /// </summary>
    public static OmsProfile AddOmsProfile(this WebApplicationBuilder builder)
    {
        var profile = Resolve(builder.Configuration);
        var sources = builder.Configuration.Sources;
        var index = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: "appsettings.json" }) index = i + 1;
        }
        sources.Insert(index, new JsonConfigurationSource
        {
            Path = $"appsettings.{profile}.json",
            Optional = true,
            ReloadOnChange = false,
            FileProvider = builder.Environment.ContentRootFileProvider,
        });
        return profile;
    }
}
