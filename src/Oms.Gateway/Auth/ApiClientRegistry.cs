using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Oms.Gateway.Auth;

/// <summary>
/// Resolves bearer tokens to API clients by their SHA-256: the registry never holds a configured token, only hashes.
/// </summary>
public sealed class ApiClientRegistry
{
    private readonly ConcurrentDictionary<string, ApiClient> byHash = new(StringComparer.Ordinal);

    public ApiClientRegistry(IOptions<GatewayOptions> options)
    {
        foreach (var client in options.Value.Clients)
        {
            byHash[client.TokenSha256.ToLowerInvariant()] = new ApiClient(client.Name, client.Grants);
        }
    }

    /// <summary>The SHA-256 of a token as lower-case hex, the form configured in <c>TokenSha256</c>.</summary>
    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Adds a client whose token is known only to this process (the development client).</summary>
    public void Register(string tokenSha256, ApiClient client)
    {
        if (!byHash.TryAdd(tokenSha256.ToLowerInvariant(), client))
            throw new InvalidOperationException($"a client with the same token hash as '{client.Name}' is already registered");
    }

    public bool TryAuthenticate(string token, out ApiClient client)
    {
        client = null!;
        return !string.IsNullOrEmpty(token) && byHash.TryGetValue(HashToken(token), out client!);
    }
}
