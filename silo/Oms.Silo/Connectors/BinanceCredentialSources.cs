using System.Text;
using Oms.Connectors.Binance.Signing;
using Oms.Connectors.Binance.Worker;
using Oms.Secrets;

namespace Oms.Silo.Connectors;

/// <summary>
/// The Binance spot worker's keys: accounts created in the embedded simulator use the simulator's generated keys;
/// every other account's key comes from the secret store (<see cref="IVenueCredentialStore"/>), and the store's
/// rotation notifications re-establish the account's sessions with the new key.
/// </summary>
public sealed class BinanceCredentialSource : IBinanceCredentialSource, IDisposable
{
    private readonly EmbeddedBinanceSimulator? _simulator;
    private readonly IVenueCredentialStore _store;
    private readonly IDisposable? _subscription;

    public BinanceCredentialSource(IVenueCredentialStore store, ICredentialRotationNotifier? notifier, EmbeddedBinanceSimulator? simulator)
    {
        _store = store;
        _simulator = simulator;
        _subscription = notifier?.OnRotated((rotation, _) =>
        {
            Rotated?.Invoke(rotation.Account);
            return ValueTask.CompletedTask;
        }, Venue.Binance);
    }

    public event Action<AccountId>? Rotated;

    public async Task<BinanceCredentials?> GetAsync(AccountId account, CancellationToken cancellationToken)
    {
        if (_simulator?.TryGetCredentials(account) is { } simulated) return simulated;
        var stored = await _store.TryGetAsync(Venue.Binance, account, cancellationToken);
        return stored is null ? null : ToBinance(stored);
    }

    /// <summary>Adapts stored credentials: the Ed25519 key when there is one (WebSocket API logon), else the HMAC secret.</summary>
    public static BinanceCredentials ToBinance(VenueCredentials credentials)
    {
        var apiKey = credentials.ApiKey.Reveal();
        if (credentials.Ed25519PrivateKey is { } ed25519) return new BinanceCredentials(apiKey, new StoredEd25519Signer(ed25519));
        if (credentials.HmacSecret is { } secret) return new BinanceCredentials(apiKey, new HmacSha256Signer(secret.Use(bytes => Encoding.ASCII.GetString(bytes))));
        throw new InvalidOperationException($"{credentials.Venue} credentials of account {credentials.Account} (version {credentials.Version}) have neither an Ed25519 key nor an HMAC secret");
    }

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Signs with the secret store's Ed25519 key (base64 of the 64-byte signature).</summary>
    private sealed class StoredEd25519Signer(Ed25519SigningKey key) : IBinanceSigner
    {
        public BinanceKeyType KeyType => BinanceKeyType.Ed25519;

        public int MaxSignatureLength => 88;

        public int Sign(ReadOnlySpan<byte> payload, Span<byte> destination)
        {
            Span<byte> signature = stackalloc byte[Ed25519SigningKey.SignatureLength];
            key.Sign(payload, signature);
            if (System.Buffers.Text.Base64.EncodeToUtf8(signature, destination, out _, out var written) != System.Buffers.OperationStatus.Done)
                throw new ArgumentException("destination is too small for an Ed25519 signature", nameof(destination));
            return written;
        }

        public void Dispose()
        {
            // The key belongs to the secret store's cache.
        }

        public override string ToString() => "StoredEd25519Signer(private key redacted)";
    }
}
