namespace Oms.Cli.Connection;

/// <summary>
/// The API token for the gateway and where it came from. Looked up in this order: <c>--token</c>, <c>OMS_TOKEN</c>,
/// <c>--token-file</c>, <c>OMS_TOKEN_FILE</c>, then the development token file the embedded silo writes
/// (<c>.oms/dev-token</c> in its working directory, which is <c>silo/Oms.Silo</c> under <c>dotnet run --project</c>),
/// searched in the current directory and each parent as <c>.oms/dev-token</c> and <c>silo/Oms.Silo/.oms/dev-token</c>.
/// </summary>
internal sealed class TokenSource
{
    public const string EnvironmentVariable = "OMS_TOKEN";
    public const string FileEnvironmentVariable = "OMS_TOKEN_FILE";

    /// <summary>Where the embedded silo writes its development token, relative to its working directory.</summary>
    public static readonly string DevelopmentTokenFile = Path.Combine(".oms", "dev-token");

    private static readonly string SiloProjectDirectory = Path.Combine("silo", "Oms.Silo");

    private readonly IReadOnlyList<string> searched;

    private TokenSource(string? token, string origin, IReadOnlyList<string> searched)
    {
        Token = token;
        Origin = origin;
        this.searched = searched;
    }

    /// <summary>The token, or null when none was found (calls then go out without one and the gateway says UNAUTHENTICATED).</summary>
    public string? Token { get; }

    /// <summary>Where the token came from, e.g. <c>--token</c>, <c>OMS_TOKEN</c> or <c>file /repo/silo/Oms.Silo/.oms/dev-token</c>.</summary>
    public string Origin { get; }

    public static TokenSource Resolve(string? option, string? fileOption, Func<string, string?> environment, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(option)) return new TokenSource(option.Trim(), "--token", []);
        if (environment(EnvironmentVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new TokenSource(fromEnvironment.Trim(), EnvironmentVariable, []);
        }

        string? file = null, fileOrigin = null;
        if (!string.IsNullOrWhiteSpace(fileOption))
        {
            (file, fileOrigin) = (fileOption, "--token-file");
        }
        else if (environment(FileEnvironmentVariable) is { } fileFromEnvironment && !string.IsNullOrWhiteSpace(fileFromEnvironment))
        {
            (file, fileOrigin) = (fileFromEnvironment, FileEnvironmentVariable);
        }

        if (file is not null)
        {
            var path = Path.GetFullPath(file, currentDirectory);
            var text = ReadTokenFile(path)
                ?? throw new Errors.CliException(Errors.ExitCodes.Auth, "unauthenticated",
                    $"the token file {path} (from {fileOrigin}) does not exist or is empty");
            return new TokenSource(text, $"file {path} ({fileOrigin})", []);
        }

        var candidates = new List<string>();
        for (var directory = new DirectoryInfo(currentDirectory); directory is not null; directory = directory.Parent)
        {
            candidates.Add(Path.Combine(directory.FullName, DevelopmentTokenFile));
            candidates.Add(Path.Combine(directory.FullName, SiloProjectDirectory, DevelopmentTokenFile));
        }
        foreach (var candidate in candidates)
        {
            if (ReadTokenFile(candidate) is { } token) return new TokenSource(token, $"file {candidate}", []);
        }
        return new TokenSource(null, "nowhere", candidates);
    }

    /// <summary>Explains where the token came from and how to get a valid one (for authentication failures).</summary>
    public string Explain()
    {
        if (Token is null)
        {
            var shown = searched.Take(4).ToList();
            return "no API token was found: pass --token, set OMS_TOKEN or OMS_TOKEN_FILE, or start the embedded silo " +
                   $"(`dotnet run --project silo/Oms.Silo`), which writes its development token to {DevelopmentTokenFile}; looked in " +
                   string.Join(", ", shown) + (searched.Count > shown.Count ? $" and {searched.Count - shown.Count} parent location(s)" : string.Empty);
        }
        return Origin.StartsWith("file ", StringComparison.Ordinal)
            ? $"the token came from {Origin[5..]}; the embedded silo writes a new one every time it starts, so the file may belong to a silo that has stopped"
            : $"the token came from {Origin}";
    }

    private static string? ReadTokenFile(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            var text = File.ReadAllText(path).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
