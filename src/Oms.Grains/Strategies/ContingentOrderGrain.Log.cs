namespace Oms.Grains;

public sealed partial class ContingentOrderGrain
{
    /// <summary>Structured log messages; every one carries {Account} and {Strategy}.</summary>
    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Information, "Account {Account} strategy {Strategy}: {Kind} ({Mode}) submitted: {Instrument} {Side} {Quantity}")]
        public static partial void Submitted(ILogger logger, AccountId account, StrategyId strategy, StrategyKind kind, ExecutionMode mode, InstrumentId instrument, OrderSide side, decimal quantity);

        [LoggerMessage(1101, LogLevel.Information, "Account {Account} strategy {Strategy} ended {Status}: {Reason}")]
        public static partial void Ended(ILogger logger, AccountId account, StrategyId strategy, StrategyStatus status, string? reason);

        [LoggerMessage(1102, LogLevel.Information, "Account {Account} strategy {Strategy}: cancel requested by {RequestedBy}")]
        public static partial void CancelRequested(ILogger logger, AccountId account, StrategyId strategy, string? requestedBy);

        [LoggerMessage(1103, LogLevel.Debug, "Account {Account} strategy {Strategy}: child {ClientOrderId} ({Role}) submitted, {Status}")]
        public static partial void ChildSubmitted(ILogger logger, AccountId account, StrategyId strategy, ClientOrderId clientOrderId, ChildRole role, OrderStatus status);

        [LoggerMessage(1104, LogLevel.Warning, "Account {Account} strategy {Strategy}: {Command} of child {ClientOrderId} refused: {Denial}")]
        public static partial void ChildCommandRefused(ILogger logger, AccountId account, StrategyId strategy, ClientOrderId clientOrderId, string command, string denial);

        [LoggerMessage(1105, LogLevel.Information, "Account {Account} strategy {Strategy}: child {ClientOrderId} caught up by reconciliation ({Status})")]
        public static partial void ChildReconciled(ILogger logger, AccountId account, StrategyId strategy, ClientOrderId clientOrderId, OrderStatus status);

        [LoggerMessage(1106, LogLevel.Error, "Account {Account} strategy {Strategy}: client order id {ClientOrderId} belongs to an order the strategy did not place")]
        public static partial void ChildIdTaken(ILogger logger, AccountId account, StrategyId strategy, ClientOrderId clientOrderId);

        [LoggerMessage(1107, LogLevel.Debug, "Account {Account} strategy {Strategy}: notification about unknown child {ClientOrderId} ignored")]
        public static partial void UnknownChild(ILogger logger, AccountId account, StrategyId strategy, ClientOrderId clientOrderId);

        [LoggerMessage(1108, LogLevel.Warning, "Account {Account} strategy {Strategy}: {Step} failed; the timer retries")]
        public static partial void StepFailed(ILogger logger, Exception exception, AccountId account, StrategyId strategy, string step);

        [LoggerMessage(1109, LogLevel.Warning, "Account {Account} strategy {Strategy}: reminder not registered or removed; it resumes after a silo loss only when called or notified")]
        public static partial void ReminderFailed(ILogger logger, Exception exception, AccountId account, StrategyId strategy);

        [LoggerMessage(1111, LogLevel.Information, "Account {Account} strategy {Strategy}: child {ClientOrderId} denied while the account reconciles with the venue; placed again in {Delay}")]
        public static partial void ChildDeferred(ILogger logger, AccountId account, StrategyId strategy, ClientOrderId clientOrderId, TimeSpan delay);

        [LoggerMessage(1110, LogLevel.Error, "Account {Account} strategy {Strategy} failed to write its state; deactivating")]
        public static partial void WriteFailed(ILogger logger, Exception exception, AccountId account, StrategyId strategy);
    }
}
