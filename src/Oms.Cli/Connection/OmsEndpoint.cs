namespace Oms.Cli.Connection;

/// <summary>The silo's gRPC address and where it came from (for messages).</summary>
internal sealed record OmsEndpoint(Uri Address, string Origin)
{
    /// <summary>The embedded silo's gRPC port (<c>Oms:Host:GrpcPort</c> in silo/Oms.Silo/appsettings.json).</summary>
    public const string DefaultAddress = "http://127.0.0.1:5100";

    /// <summary>The environment variable read when <c>--endpoint</c> is not given.</summary>
    public const string EnvironmentVariable = "OMS_ENDPOINT";

    public bool IsDefault => Origin == "default";

    /// <summary>Resolves <c>--endpoint</c>, then <c>OMS_ENDPOINT</c>, then the default.</summary>
    public static OmsEndpoint Resolve(string? option, Func<string, string?> environment)
    {
        var (text, origin) = !string.IsNullOrWhiteSpace(option) ? (option, "--endpoint")
            : environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment) ? (fromEnvironment, EnvironmentVariable)
            : (DefaultAddress, "default");
        text = text.Trim();
        // "127.0.0.1:5100" and "localhost:5100" are accepted as plaintext endpoints.
        if (!text.Contains("://", StringComparison.Ordinal)) text = "http://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw Errors.CliException.Usage($"{origin} '{text}' is not an http(s) address such as {DefaultAddress}");
        }
        return new OmsEndpoint(uri, origin);
    }

    public override string ToString() => Address.GetLeftPart(UriPartial.Authority);
}
