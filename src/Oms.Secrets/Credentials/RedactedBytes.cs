using System.Diagnostics;

namespace Oms.Secrets;

/// <summary>
/// Secret bytes (an HMAC key). <see cref="ToString"/> and the debugger show <c>***</c>; the bytes are lent to a callback
/// through <see cref="Use{TResult}"/> so that signing code does not have to copy them.
/// </summary>
[DebuggerDisplay("***")]
public sealed class RedactedBytes
{
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private readonly byte[] _bytes;

    public RedactedBytes(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    /// <summary>Number of bytes (not secret in itself).</summary>
    public int Length => _bytes.Length;

    /// <summary>Passes the secret bytes to <paramref name="use"/>; do not keep the span beyond the call.</summary>
    public TResult Use<TResult>(Func<ReadOnlySpan<byte>, TResult> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return use(_bytes);
    }

    internal ReadOnlySpan<byte> Span => _bytes;

    /// <summary>Returns a copy of the secret bytes; the caller owns (and should clear) it.</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>Always <c>***</c>.</summary>
    public override string ToString() => SecretRedaction.Mask;
}
