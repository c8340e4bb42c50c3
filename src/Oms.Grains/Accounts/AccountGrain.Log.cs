namespace Oms.Grains;

public sealed partial class AccountGrain
{
    /// <summary>Structured log messages; every one carries {Account}, and order messages {ClientOrderId}.</summary>
    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Information, "Account {Account} provisioned on {Venue} (first time: {First})")]
        public static partial void Provisioned(ILogger logger, AccountId account, Venue venue, bool first);

        [LoggerMessage(1001, LogLevel.Debug, "Account {Account} submitted order {ClientOrderId}: {Instrument} {Side} {Quantity}")]
        public static partial void OrderSubmitted(ILogger logger, AccountId account, ClientOrderId clientOrderId, InstrumentId instrument, OrderSide side, decimal quantity);

        [LoggerMessage(1002, LogLevel.Information, "Account {Account} denied order {ClientOrderId}: {Code}: {Reason}")]
        public static partial void OrderDenied(ILogger logger, AccountId account, ClientOrderId clientOrderId, string code, string reason);

        [LoggerMessage(1003, LogLevel.Error, "Account {Account} could not route order {ClientOrderId}; its outcome is unknown and a query will resolve it")]
        public static partial void PlaceRouteFailed(ILogger logger, Exception exception, AccountId account, ClientOrderId clientOrderId);

        [LoggerMessage(1004, LogLevel.Warning, "Account {Account} order {ClientOrderId} rejected before sending: {Reason}")]
        public static partial void PlaceRefused(ILogger logger, AccountId account, ClientOrderId clientOrderId, string reason);

        [LoggerMessage(1005, LogLevel.Error, "Account {Account} could not route the {Command} of order {ClientOrderId}")]
        public static partial void CommandRouteFailed(ILogger logger, Exception exception, AccountId account, ClientOrderId clientOrderId, string command);

        [LoggerMessage(1006, LogLevel.Information, "Account {Account} cancel-all: {Requested} requested, {Refused} refused")]
        public static partial void CancelAll(ILogger logger, AccountId account, int requested, int refused);

        [LoggerMessage(1010, LogLevel.Debug, "Account {Account} ignored risk policy version {Version}: it has version {Current}")]
        public static partial void StalePolicyIgnored(ILogger logger, AccountId account, long version, long current);

        [LoggerMessage(1011, LogLevel.Information, "Account {Account} applied risk policy version {Version} (trading state {TradingState})")]
        public static partial void PolicyApplied(ILogger logger, AccountId account, long version, TradingState tradingState);

        [LoggerMessage(1012, LogLevel.Warning, "Account {Account} could not refresh its risk policy; keeping version {Version}")]
        public static partial void PolicyRefreshFailed(ILogger logger, Exception exception, AccountId account, long version);

        [LoggerMessage(1013, LogLevel.Information, "Account {Account} is reconciling: {Reason}")]
        public static partial void ReconciliationStarted(ILogger logger, AccountId account, string reason);

        [LoggerMessage(1014, LogLevel.Information, "Account {Account} finished reconciling")]
        public static partial void ReconciliationEnded(ILogger logger, AccountId account);

        [LoggerMessage(1020, LogLevel.Error, "Account {Account} failed to write its state")]
        public static partial void WriteFailed(ILogger logger, Exception exception, AccountId account);

        [LoggerMessage(1021, LogLevel.Error, "Account {Account} could not reload its state after a failed write; deactivating")]
        public static partial void ReloadFailed(ILogger logger, Exception exception, AccountId account);

        [LoggerMessage(1022, LogLevel.Warning, "Account {Account} could not write its state while deactivating; the outbox will be resent on activation")]
        public static partial void DeactivationWriteFailed(ILogger logger, Exception exception, AccountId account);

        [LoggerMessage(1030, LogLevel.Warning, "Account {Account} could not append reports {From}-{To} to the journal; will retry")]
        public static partial void JournalAppendFailed(ILogger logger, Exception exception, AccountId account, long from, long to);

        [LoggerMessage(1031, LogLevel.Error, "Account {Account} lost reports {From}-{To} for the journal: they left the backlog before an append succeeded")]
        public static partial void JournalGap(ILogger logger, AccountId account, long from, long to);

        [LoggerMessage(1032, LogLevel.Warning, "Account {Account} could not read the journal after sequence {After}")]
        public static partial void JournalReadFailed(ILogger logger, Exception exception, AccountId account, long after);

        [LoggerMessage(1033, LogLevel.Warning, "Account {Account} could not archive {Orders} closed orders and {Fills} fill keys in the journal; they stay in the hot state and will be retried")]
        public static partial void ArchiveFailed(ILogger logger, Exception exception, AccountId account, int orders, int fills);

        [LoggerMessage(1034, LogLevel.Information, "Account {Account} brought archived order {ClientOrderId} ({Status}) back from the journal for a late venue event")]
        public static partial void OrderRehydrated(ILogger logger, AccountId account, ClientOrderId clientOrderId, OrderStatus status);

        [LoggerMessage(1040, LogLevel.Warning, "Account {Account} ignored a {EventType} addressed to account {Other}")]
        public static partial void ForeignEvent(ILogger logger, AccountId account, AccountId other, string eventType);

        [LoggerMessage(1041, LogLevel.Warning, "Account {Account} ignored a venue event of unknown type {EventType}")]
        public static partial void UnknownEventType(ILogger logger, AccountId account, string eventType);

        [LoggerMessage(1042, LogLevel.Error, "Account {Account} dropped a malformed fill for order {ClientOrderId}: {Problem}")]
        public static partial void MalformedFill(ILogger logger, AccountId account, ClientOrderId clientOrderId, string problem);

        [LoggerMessage(1043, LogLevel.Debug, "Account {Account} ignored duplicate fill {FillKey} of order {ClientOrderId}")]
        public static partial void DuplicateFill(ILogger logger, AccountId account, ClientOrderId clientOrderId, string fillKey);

        [LoggerMessage(1044, LogLevel.Error, "Account {Account} fill {FillKey} does not fit order {ClientOrderId} ({Error}); it is kept and still reaches the position")]
        public static partial void FillNotApplicableToOrder(ILogger logger, AccountId account, ClientOrderId clientOrderId, string fillKey, string? error);

        [LoggerMessage(1045, LogLevel.Warning, "Account {Account} received fill {FillKey} for unknown order {ClientOrderId}; it still reaches the position")]
        public static partial void FillForUnknownOrder(ILogger logger, AccountId account, ClientOrderId clientOrderId, string fillKey);

        [LoggerMessage(1046, LogLevel.Warning, "Account {Account} ignored a {Kind} update for unknown order {ClientOrderId}")]
        public static partial void UpdateForUnknownOrder(ILogger logger, AccountId account, ClientOrderId clientOrderId, VenueOrderEventKind kind);

        [LoggerMessage(1047, LogLevel.Warning, "Account {Account} ignored an update for order {ClientOrderId} on {Instrument}: the order trades {OrderInstrument}")]
        public static partial void UpdateInstrumentMismatch(ILogger logger, AccountId account, ClientOrderId clientOrderId, InstrumentId instrument, InstrumentId orderInstrument);

        [LoggerMessage(1048, LogLevel.Warning, "Account {Account} order {ClientOrderId} ({Status}) has an unknown outcome and stays in flight: {Reason}")]
        public static partial void OutcomeUnknown(ILogger logger, AccountId account, ClientOrderId clientOrderId, OrderStatus status, string reason);

        [LoggerMessage(1049, LogLevel.Warning, "Account {Account} ignored update kind {Kind} for order {ClientOrderId}")]
        public static partial void UnknownUpdateKind(ILogger logger, AccountId account, ClientOrderId clientOrderId, int kind);

        [LoggerMessage(1050, LogLevel.Warning, "Account {Account} could not apply {Kind} to order {ClientOrderId}: {Error}")]
        public static partial void InvalidVenueUpdate(ILogger logger, AccountId account, ClientOrderId clientOrderId, VenueOrderEventKind kind, string? error);

        [LoggerMessage(1051, LogLevel.Warning, "Account {Account} order {ClientOrderId} ({Status}, age {Age}) is not known to the venue; kept in flight")]
        public static partial void NotFoundKeptInFlight(ILogger logger, AccountId account, ClientOrderId clientOrderId, OrderStatus status, TimeSpan age);

        [LoggerMessage(1052, LogLevel.Warning, "Account {Account} order {ClientOrderId} never reached the venue and is marked rejected")]
        public static partial void NeverReachedVenue(ILogger logger, AccountId account, ClientOrderId clientOrderId);

        [LoggerMessage(1060, LogLevel.Warning, "Account {Account} could not forward {Count} fills to the {Instrument} position; they stay in the outbox")]
        public static partial void PositionForwardFailed(ILogger logger, Exception exception, AccountId account, InstrumentId instrument, int count);

        [LoggerMessage(1061, LogLevel.Information, "Account {Account} asked the venue about order {ClientOrderId}")]
        public static partial void QueryRouted(ILogger logger, AccountId account, ClientOrderId clientOrderId);

        [LoggerMessage(1062, LogLevel.Warning, "Account {Account} could not route a query for order {ClientOrderId}: {Reason}")]
        public static partial void QueryRefused(ILogger logger, AccountId account, ClientOrderId clientOrderId, string? reason);
    }
}
