using System.Security.Cryptography;
using System.Text.Json;
using Oms.Cli.Tests.Infrastructure;

namespace Oms.Cli.Tests;

/// <summary>
/// `oms secrets get` against the local store, configured as the silo would be (environment variables and an
/// appsettings-style file). The secret values must never appear unless --show-secret is given.
/// </summary>
public sealed class SecretsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("oms-cli-secrets-").FullName;
    private readonly string apiKey = "ak" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly string hmacSecret = "hs" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Credentials of binance account desk-1 in environment variables; no secrets file.</summary>
    private Dictionary<string, string> Environment() => new()
    {
        ["OMS_SECRET__BINANCE__DESK_1__API_KEY"] = apiKey,
        ["OMS_SECRET__BINANCE__DESK_1__HMAC_SECRET"] = hmacSecret,
        ["Oms__Secrets__Local__FilePath"] = Path.Combine(directory, "absent.json"),
    };

    [Fact]
    public async Task Get_shows_presence_and_metadata_but_never_the_secret()
    {
        var result = await OmsCli.RunAsync(["secrets", "get", "binance", "desk-1"], Environment());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("HMAC", AccountViewTests.Line(result.Stdout, "Key type"), StringComparison.Ordinal);
        Assert.Contains("Local", AccountViewTests.Line(result.Stdout, "Provider"), StringComparison.Ordinal);
        Assert.Contains("local store", AccountViewTests.Line(result.Stdout, "Store"), StringComparison.Ordinal);
        Assert.Contains("local-", AccountViewTests.Line(result.Stdout, "Version"), StringComparison.Ordinal);
        var apiKeyRow = AccountViewTests.Line(result.Stdout, "api_key");
        Assert.Contains("yes", apiKeyRow, StringComparison.Ordinal);
        Assert.Contains("environment variable OMS_SECRET__BINANCE__DESK_1__API_KEY", apiKeyRow, StringComparison.Ordinal);
        Assert.Contains("no", AccountViewTests.Line(result.Stdout, "ed25519_private_key"), StringComparison.Ordinal);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Get_as_json_lists_every_field_with_no_values()
    {
        var result = await OmsCli.RunAsync(["secrets", "get", "BINANCE", "desk-1", "--json"], Environment());

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Json();
        Assert.Equal("binance", document.GetProperty("venue").GetString());
        Assert.Equal("desk-1", document.GetProperty("account").GetString());
        Assert.Equal("Local", document.GetProperty("provider").GetString());
        Assert.Equal("HMAC", document.GetProperty("key_type").GetString());
        Assert.False(document.GetProperty("secrets_shown").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(document.GetProperty("retrieved_at").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        var fields = document.GetProperty("fields");
        Assert.True(fields.GetProperty("api_key").GetProperty("present").GetBoolean());
        Assert.True(fields.GetProperty("hmac_secret").GetProperty("present").GetBoolean());
        Assert.False(fields.GetProperty("ed25519_private_key").GetProperty("present").GetBoolean());
        Assert.False(fields.GetProperty("passphrase").GetProperty("present").GetBoolean());
        Assert.All(fields.EnumerateObject(), f => Assert.Equal(JsonValueKind.Null, f.Value.GetProperty("value").ValueKind));
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Show_secret_prints_the_values_with_a_warning_on_stderr()
    {
        var result = await OmsCli.RunAsync(["secrets", "get", "binance", "desk-1", "--show-secret", "--json"], Environment());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning: printing the secret values of binance account 'desk-1'", result.Stderr, StringComparison.Ordinal);
        var fields = result.Json().GetProperty("fields");
        Assert.Equal(apiKey, fields.GetProperty("api_key").GetProperty("value").GetString());
        Assert.Equal(hmacSecret, fields.GetProperty("hmac_secret").GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_missing_secret_exits_6_naming_the_venue_and_account()
    {
        var result = await OmsCli.RunAsync(["secrets", "get", "binance", "nobody", "--json"], Environment());

        Assert.True(result.ExitCode == 6, result.ToString());
        Assert.Contains("binance account 'nobody'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("OMS_SECRET__BINANCE__NOBODY__API_KEY", result.Stderr, StringComparison.Ordinal);
        var error = result.Json().GetProperty("error");
        Assert.Equal(6, error.GetProperty("exit_code").GetInt32());
        Assert.Equal("NotFound", error.GetProperty("details").GetProperty("kind").GetString());
        Assert.Equal("nobody", error.GetProperty("details").GetProperty("account").GetString());
    }

    [Fact]
    public async Task A_config_file_selects_the_secrets_file_and_an_Ed25519_key_shows_its_public_key_only()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var secretsFile = Path.Combine(directory, "secrets.json");
        await File.WriteAllTextAsync(secretsFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["binance"] = new Dictionary<string, object>
            {
                ["ws-1"] = new Dictionary<string, string> { ["api_key"] = apiKey, ["ed25519_private_key"] = Convert.ToHexString(seed) },
            },
        }));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = Path.Combine(directory, "appsettings.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Oms = new { Secrets = new { Provider = "Local", Local = new { UseEnvironment = false, FilePath = secretsFile } } },
        }));

        var result = await OmsCli.RunAsync(["secrets", "get", "binance", "ws-1", "--config", config, "--show-secret", "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Json();
        Assert.Equal("Ed25519", document.GetProperty("key_type").GetString());
        Assert.Equal(secretsFile, document.GetProperty("location").GetString());
        var publicKey = Convert.FromBase64String(document.GetProperty("ed25519_public_key").GetString()!);
        Assert.Equal(32, publicKey.Length);
        var key = document.GetProperty("fields").GetProperty("ed25519_private_key");
        Assert.True(key.GetProperty("present").GetBoolean());
        Assert.Contains(secretsFile, key.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("value").ValueKind);
        Assert.Contains("cannot be exported", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(seed), result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Invalid_store_settings_exit_6_and_a_missing_config_file_exits_1()
    {
        var vaultWithoutAddress = await OmsCli.RunAsync(["secrets", "get", "binance", "desk-1"],
            new Dictionary<string, string> { ["Oms__Secrets__Provider"] = "Vault" });
        Assert.True(vaultWithoutAddress.ExitCode == 6, vaultWithoutAddress.ToString());
        Assert.Contains("invalid secret store settings", vaultWithoutAddress.Stderr, StringComparison.Ordinal);

        var missing = await OmsCli.RunAsync(["secrets", "get", "binance", "desk-1", "--config", Path.Combine(directory, "nope.json")]);
        Assert.True(missing.ExitCode == 1, missing.ToString());
    }

    private void AssertNoSecret(CliResult result)
    {
        foreach (var secret in new[] { apiKey, hmacSecret })
        {
            Assert.DoesNotContain(secret, result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Stderr, StringComparison.Ordinal);
            // Not even a recognisable fragment.
            Assert.DoesNotContain(secret[2..10], result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }
}
