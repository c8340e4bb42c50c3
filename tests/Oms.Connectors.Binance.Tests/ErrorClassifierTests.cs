namespace Oms.Connectors.Binance.Tests;

public sealed class ErrorClassifierTests
{
    [Theory]
    [InlineData(400, -2010, "Account has insufficient balance for requested action.", VenueErrorKind.InsufficientBalance)]
    [InlineData(400, -2010, "Duplicate order sent.", VenueErrorKind.DuplicateOrder)]
    [InlineData(400, -2010, "Order would immediately match and take.", VenueErrorKind.Rejected)]
    [InlineData(400, -1013, "Filter failure: LOT_SIZE", VenueErrorKind.FilterFailure)]
    [InlineData(400, -1013, "Invalid quantity.", VenueErrorKind.Rejected)]
    [InlineData(400, -1021, "Timestamp for this request is outside of the recvWindow.", VenueErrorKind.InvalidTimestamp)]
    [InlineData(400, -1022, "Signature for this request is not valid.", VenueErrorKind.InvalidSignature)]
    [InlineData(401, -2014, "API-key format invalid.", VenueErrorKind.Unauthorized)]
    [InlineData(400, -2014, "API-key format invalid.", VenueErrorKind.Unauthorized)]
    [InlineData(401, -2015, "Invalid API-key, IP, or permissions for action.", VenueErrorKind.Unauthorized)]
    [InlineData(400, -2011, "Unknown order sent.", VenueErrorKind.UnknownOrder)]
    [InlineData(400, -2011, "Order was not canceled due to cancel restrictions.", VenueErrorKind.Rejected)]
    [InlineData(400, -2013, "Order does not exist.", VenueErrorKind.UnknownOrder)]
    [InlineData(400, -2026, "Order was canceled or expired with no executed qty over 90 days ago and has been archived.", VenueErrorKind.UnknownOrder)]
    [InlineData(429, -1003, "Too much request weight used", VenueErrorKind.RateLimited)]
    [InlineData(429, -1015, "Too many new orders", VenueErrorKind.RateLimited)]
    [InlineData(418, -1003, "Way too much request weight used; IP banned until 1659146400000.", VenueErrorKind.IpBanned)]
    [InlineData(400, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.", VenueErrorKind.UnknownOutcome)]
    [InlineData(500, -1000, "An unknown error occurred while processing the request.", VenueErrorKind.UnknownOutcome)]
    [InlineData(400, -1006, "An unexpected response was received from the message bus. Execution status unknown.", VenueErrorKind.UnknownOutcome)]
    [InlineData(503, null, null, VenueErrorKind.UnknownOutcome)]
    [InlineData(502, null, null, VenueErrorKind.UnknownOutcome)]
    [InlineData(400, -1121, "Invalid symbol.", VenueErrorKind.Rejected)]
    [InlineData(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.", VenueErrorKind.Rejected)]
    [InlineData(400, -1145, "Invalid cancelRestrictions", VenueErrorKind.Rejected)]
    [InlineData(403, null, null, VenueErrorKind.Other)]
    public void Trading_calls_are_classified(int status, int? code, string? message, VenueErrorKind expected)
    {
        Assert.Equal(expected, BinanceErrorClassifier.Classify(status, code, message, readOnly: false));
    }

    [Theory]
    [InlineData(503, null)]
    [InlineData(400, -1007)]
    [InlineData(500, -1000)]
    public void Ambiguous_failures_of_queries_are_retry_safe_network_errors(int status, int? code)
    {
        Assert.Equal(VenueErrorKind.Network, BinanceErrorClassifier.Classify(status, code, null, readOnly: true));
    }

    [Theory]
    [InlineData(VenueErrorKind.UnknownOutcome, false, false)]
    [InlineData(VenueErrorKind.Rejected, true, false)]
    [InlineData(VenueErrorKind.RateLimited, true, true)]
    [InlineData(VenueErrorKind.IpBanned, true, true)]
    [InlineData(VenueErrorKind.InvalidTimestamp, true, true)]
    [InlineData(VenueErrorKind.Network, true, true)]
    [InlineData(VenueErrorKind.InvalidSignature, true, false)]
    [InlineData(VenueErrorKind.DuplicateOrder, true, false)]
    public void Outcome_and_retry_safety_follow_the_kind(VenueErrorKind kind, bool outcomeKnown, bool retrySafe)
    {
        var error = new BinanceError { Kind = kind, Operation = "place order a on Binance spot", Reason = "x" };

        Assert.Equal(outcomeKnown, error.OutcomeKnown);
        Assert.Equal(retrySafe, error.RetrySafe);
    }

    [Fact]
    public void Message_says_what_failed_for_what()
    {
        var error = new BinanceError
        {
            Kind = VenueErrorKind.InsufficientBalance,
            Operation = "place order oms-1 on Binance spot",
            Code = -2010,
            Reason = "Account has insufficient balance for requested action.",
        };

        Assert.Equal("failed to place order oms-1 on Binance spot: -2010 Account has insufficient balance for requested action.", error.Message);
        Assert.Equal("-2010", error.CodeText);
    }
}
