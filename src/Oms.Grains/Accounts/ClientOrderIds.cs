using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Oms.Grains;

/// <summary>
/// Generates OMS client order ids and checks ids against each venue's rules.
/// <para>
/// Format: <c>{prefix}-{accountHash}-{number}</c> where the hash is six base-36 characters of SHA-256 of the account
/// id (so two OMS accounts on one venue account never collide) and the number is the account's client-order counter
/// in base 36. On OKX, whose ids are alphanumeric only, the separators are left out (the hash has a fixed length, so
/// the id stays unambiguous). Longest result: 8 + 1 + 6 + 1 + 13 = 29 characters, legal everywhere.
/// </para>
/// </summary>
public static partial class ClientOrderIds
{
    public const int MaxPrefixLength = 8;
    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    private const int HashLength = 6;

    /// <summary>Whether a prefix is usable on every venue: 1-8 letters or digits.</summary>
    public static bool IsValidPrefix(string? prefix) => prefix is not null && PrefixPattern().IsMatch(prefix);

    /// <summary>Six base-36 characters derived from the account id.</summary>
    public static string AccountHash(AccountId account)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(account.Value), digest);
        var value = BitConverter.ToUInt64(digest[..8]);
        var chars = new char[HashLength];
        for (var i = 0; i < HashLength; i++)
        {
            chars[i] = Digits[(int)(value % 36)];
            value /= 36;
        }
        return new string(chars);
    }

    /// <summary>The id for the <paramref name="number"/>-th generated order of an account.</summary>
    public static ClientOrderId Create(Venue venue, string prefix, string accountHash, long number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        var separator = venue == Venue.Okx ? string.Empty : "-";
        return new ClientOrderId($"{prefix}{separator}{accountHash}{separator}{ToBase36(number)}");
    }

    /// <summary>
    /// Whether <paramref name="id"/> has the shape <see cref="Create"/> gives for this venue, prefix and account hash,
    /// and if so its number.
    /// </summary>
    public static bool TryParseNumber(ClientOrderId id, Venue venue, string prefix, string accountHash, out long number)
    {
        number = 0;
        var separator = venue == Venue.Okx ? string.Empty : "-";
        var head = prefix + separator + accountHash + separator;
        var value = id.Value;
        if (value is null || value.Length <= head.Length || value.Length > head.Length + 12 || !value.StartsWith(head, StringComparison.Ordinal)) return false;
        long parsed = 0;
        for (var i = head.Length; i < value.Length; i++)
        {
            var digit = Digits.IndexOf(value[i], StringComparison.Ordinal);
            if (digit < 0) return false;
            parsed = parsed * 36 + digit;
        }
        number = parsed;
        return true;
    }

    /// <summary>Checks an id against the venue's own rules (stricter than <see cref="ClientOrderId"/> on some venues).</summary>
    public static string? Problem(Venue venue, ClientOrderId id) => venue switch
    {
        Venue.Okx when !OkxPattern().IsMatch(id.Value) => $"client order id '{id}' is not legal on OKX: use 1-32 letters or digits",
        Venue.Bybit when !BybitPattern().IsMatch(id.Value) => $"client order id '{id}' is not legal on Bybit: use 1-36 letters, digits, '-' or '_'",
        _ => null,
    };

    internal static string ToBase36(long value)
    {
        if (value == 0) return "0";
        Span<char> buffer = stackalloc char[13];
        var index = buffer.Length;
        var remaining = (ulong)value;
        while (remaining > 0)
        {
            buffer[--index] = Digits[(int)(remaining % 36)];
            remaining /= 36;
        }
        return new string(buffer[index..]);
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,8}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    private static partial Regex OkxPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,36}$")]
    private static partial Regex BybitPattern();
}
