using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Oms.Gateway.Auth;

/// <summary>
/// Issues the development client's token at start-up: random, never stored in the repository, printed once to the
/// console (not to the log files) and written to the token file for tools such as the CLI. Does nothing when the
/// development client is disabled.
/// </summary>
public sealed class DevelopmentTokenIssuer(
    IOptions<GatewayOptions> options,
    ApiClientRegistry registry,
    IHostEnvironment environment,
    ILogger<DevelopmentTokenIssuer> logger) : IHostedService
{
    /// <summary>The token issued by this process, when the development client is enabled (for in-process tests).</summary>
    public string? Token { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.DevelopmentClient;
        if (!settings.Enabled) return;

        var token = "omsdev_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        registry.Register(ApiClientRegistry.HashToken(token), new ApiClient(settings.Name,
            [new AccountGrantOptions { Account = "*", Permissions = settings.Permissions }]));
        Token = token;

        string? path = null;
        if (!string.IsNullOrWhiteSpace(settings.TokenFile))
        {
            var target = Path.GetFullPath(settings.TokenFile, Directory.GetCurrentDirectory());
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, token + "\n", cancellationToken).ConfigureAwait(false);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                path = target;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A read-only working directory (containers) must not stop the silo: the console still has the token.
                logger.LogWarning("Could not write the development token to {TokenFile}: {Error}", target, ex.Message);
            }
        }

        // Straight to the console, never through the logger: log files must not hold credentials.
        await Console.Out.WriteLineAsync(
            $"{Environment.NewLine}  Development API token for client '{settings.Name}' ({environment.EnvironmentName}; valid until this process stops):" +
            $"{Environment.NewLine}    authorization: Bearer {token}" +
            (path is null ? string.Empty : $"{Environment.NewLine}  also written to {path}") + Environment.NewLine).ConfigureAwait(false);
        logger.LogInformation("Development client {Client} enabled; its token was printed to the console{TokenFile}",
            settings.Name, path is null ? string.Empty : " and written to " + path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
