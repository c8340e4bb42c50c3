namespace Oms.Domain;

/// <summary>Why a domain invariant was broken by the caller.</summary>
public enum DomainErrorCode
{
    InvalidIdentifier = 1,
    InvalidPrice = 2,
    InvalidQuantity = 3,
    InvalidOrder = 4,
    IllegalTransition = 5,
    InvalidFill = 6,
    InvalidPosition = 7,
}

/// <summary>A broken invariant or malformed input in the domain model. Expected outcomes are values, not this.</summary>
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorCode code, string message) : base(message) => Code = code;

    public DomainErrorCode Code { get; }
}
