using Oms.Connectors.Binance.Signing;

namespace Oms.Connectors.Binance.Tests.Support;

/// <summary>Keys generated per test; no real keys anywhere.</summary>
internal static class TestKeys
{
    public static Ed25519Signer Ed25519() => Ed25519Signer.Generate();

    public static BinanceCredentials Hmac() =>
        BinanceCredentials.Hmac("test-api-key-" + Guid.NewGuid().ToString("N"), Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    public static BinanceCredentials Ed25519Credentials() => new("test-ed25519-key-" + Guid.NewGuid().ToString("N"), Ed25519());
}
