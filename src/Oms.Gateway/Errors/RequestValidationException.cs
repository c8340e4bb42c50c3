namespace Oms.Gateway.Errors;

/// <summary>One invalid field of a request: its proto path (e.g. <c>order.quantity</c>) and why it is invalid.</summary>
public sealed record FieldViolation(string Field, string Description)
{
    public override string ToString() => $"{Field}: {Description}";
}

/// <summary>
/// A request that cannot be served as sent. Mapped to <c>INVALID_ARGUMENT</c> with a <c>google.rpc.BadRequest</c>
/// detail listing every violation, and a message of the form <c>field: reason; field: reason</c>.
/// </summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException(IReadOnlyList<FieldViolation> violations)
        : base(string.Join("; ", violations))
    {
        if (violations.Count == 0) throw new ArgumentException("at least one violation is required", nameof(violations));
        Violations = violations;
    }

    public RequestValidationException(string field, string description)
        : this([new FieldViolation(field, description)])
    {
    }

    public IReadOnlyList<FieldViolation> Violations { get; }
}

/// <summary>Collects field violations while a request is read, then throws them all at once.</summary>
public sealed class RequestViolations
{
    private readonly List<FieldViolation> violations = [];

    public bool Any => violations.Count > 0;

    public int Count => violations.Count;

    public void Add(string field, string description) => violations.Add(new FieldViolation(field, description));

    /// <summary>Throws a <see cref="RequestValidationException"/> when any violation was recorded.</summary>
    public void ThrowIfAny()
    {
        if (violations.Count > 0) throw new RequestValidationException(violations.ToArray());
    }
}
