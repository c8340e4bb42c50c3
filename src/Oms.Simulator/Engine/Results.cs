using System.Diagnostics.CodeAnalysis;

namespace Oms.Simulator.Engine;

/// <summary>A Binance error: the numeric code and the exact message text the venue returns.</summary>
public sealed record EngineError(int Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>Outcome of an engine call that returns nothing on success.</summary>
public readonly record struct EngineResult
{
    private EngineResult(EngineError? error) => Error = error;

    public static EngineResult Ok { get; } = new(null);

    public EngineError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static EngineResult Fail(EngineError error) => new(error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator EngineResult(EngineError error) => Fail(error);
}

/// <summary>Outcome of an engine call: a value or an <see cref="EngineError"/>. Expected failures never throw.</summary>
public readonly record struct EngineResult<T>
{
    private readonly T? _value;

    private EngineResult(T? value, EngineError? error)
    {
        _value = value;
        Error = error;
    }

    public EngineError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsSuccess => Error is null;

    /// <summary>The value; throws <see cref="InvalidOperationException"/> when the call failed.</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"Engine call failed: {Error}");

    public static EngineResult<T> Ok(T value) => new(value, null);

    public static EngineResult<T> Fail(EngineError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator EngineResult<T>(T value) => Ok(value);

    public static implicit operator EngineResult<T>(EngineError error) => Fail(error);
}
