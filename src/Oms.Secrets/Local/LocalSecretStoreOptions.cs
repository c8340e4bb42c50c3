namespace Oms.Secrets.Local;

/// <summary>Local development store settings (<c>Oms:Secrets:Local</c>).</summary>
public sealed class LocalSecretStoreOptions
{
    /// <summary>Reads <c>{EnvironmentPrefix}__{VENUE}__{ACCOUNT}__{FIELD}</c> variables. Default: true.</summary>
    public bool UseEnvironment { get; set; } = true;

    /// <summary>Prefix of the variables. Default: <c>OMS_SECRET</c>.</summary>
    public string EnvironmentPrefix { get; set; } = "OMS_SECRET";

    /// <summary>Reads the JSON file at <see cref="FilePath"/> when it exists. Default: true.</summary>
    public bool UseFile { get; set; } = true;

    /// <summary>
    /// The JSON file, outside any repository. Default: <c>~/.oms/secrets.json</c> (the user's profile). A leading
    /// <c>~/</c> is expanded. A missing file is the same as an empty one.
    /// </summary>
    public string? FilePath { get; set; }

    /// <summary>Allows a file inside a git working tree (refused by default so keys are not committed by accident).</summary>
    public bool AllowFileInsideGitRepository { get; set; }

    /// <summary>The file path with the default applied and <c>~</c> expanded.</summary>
    public string ResolveFilePath()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrWhiteSpace(FilePath))
        {
            return Path.Combine(home, ".oms", "secrets.json");
        }

        var path = FilePath.Trim();
        if (path == "~")
        {
            return home;
        }

        if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            path = Path.Combine(home, path[2..]);
        }

        return Path.GetFullPath(path);
    }

    /// <summary>Describes the settings; nothing here is secret.</summary>
    public override string ToString() =>
        $"UseEnvironment={UseEnvironment}; EnvironmentPrefix={EnvironmentPrefix}; UseFile={UseFile}; FilePath={ResolveFilePath()}";
}
