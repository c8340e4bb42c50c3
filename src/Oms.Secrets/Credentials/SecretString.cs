using System.Diagnostics;
using System.Security.Cryptography;
using System.Runtime.InteropServices;

namespace Oms.Secrets;

/// <summary>
/// A secret text value (an API key, a passphrase, a Vault token). <see cref="ToString"/> and the debugger show
/// <c>***</c>; the value is only reachable through <see cref="Reveal"/> or <see cref="Use{TResult}"/>, so it cannot end
/// up in a log message, an exception message or string interpolation by accident.
/// </summary>
[DebuggerDisplay("***")]
public sealed class SecretString
{
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private readonly string _value;

    public SecretString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>Number of characters in the secret (not secret in itself).</summary>
    public int Length => _value.Length;

    /// <summary>Returns the secret in clear, for the places that must have a string (an HTTP header).</summary>
    public string Reveal() => _value;

    /// <summary>Passes the secret's characters to <paramref name="use"/> without creating another copy.</summary>
    public TResult Use<TResult>(Func<ReadOnlySpan<char>, TResult> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return use(_value.AsSpan());
    }

    /// <summary>Compares two secrets in time that does not depend on where they differ.</summary>
    public bool FixedTimeEquals(SecretString? other)
    {
        if (other is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(_value.AsSpan()), MemoryMarshal.AsBytes(other._value.AsSpan()));
    }

    /// <summary>Always <c>***</c>.</summary>
    public override string ToString() => SecretRedaction.Mask;
}
