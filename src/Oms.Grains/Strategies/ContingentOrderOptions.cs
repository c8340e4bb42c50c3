namespace Oms.Grains;

/// <summary>
/// Tuning of the contingent-order strategies (brackets, icebergs, trailing stops). Bind from configuration section
/// <see cref="SectionName"/>; validated at start-up by <see cref="ContingentOrderOptionsValidator"/>.
/// </summary>
public sealed class ContingentOrderOptions
{
    public const string SectionName = "Oms:ContingentOrders";

    /// <summary>
    /// How often a working strategy re-reads its open children from the account (one account call per open child).
    /// Children's changes normally arrive as notifications within the account's turn; this bounds how long a lost one
    /// delays the strategy while it stays active (the reminder covers a lost silo).
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a strategy that watches the market (an OMS-managed trailing stop, a spot bracket with both legs) reads
    /// the reference price. Market-data push can act sooner through <c>ReconcileAsync</c>.
    /// </summary>
    public TimeSpan PriceInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The period of the reminder that brings a working strategy back after its silo was lost. Orleans refuses periods
    /// below its <c>ReminderOptions.MinimumReminderPeriod</c> (one minute by default).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a strategy waits before it places again a child the account denied because it was reconciling with the
    /// venue (after a silo loss, a stream gap, a key rotation); doubled for every further such denial in a row, up to
    /// <see cref="ReconcileInterval"/>.
    /// </summary>
    public TimeSpan ReconcilingRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the account waits before it sends again a notification about a child that the strategy did not
    /// acknowledge (its silo was lost or unreachable, the call timed out); doubled per failed attempt up to
    /// <see cref="NotificationRetryMaxDelay"/>. A retry reaching a strategy whose silo was declared dead activates it on
    /// another silo, which re-reads its children and carries on without waiting for its reminder.
    /// </summary>
    public TimeSpan NotificationRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest pause between two attempts of one notification.</summary>
    public TimeSpan NotificationRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times the account sends one notification in all before it gives up (the strategy's timer and reminder
    /// still catch up): with the defaults the retries span about half a minute, the time a cluster takes to declare a
    /// lost silo dead.
    /// </summary>
    public int NotificationAttempts { get; set; } = 10;

    /// <summary>How many times a strategy sends the cancel of one child before it leaves the child to the operator.</summary>
    public int MaxCancelAttempts { get; set; } = 5;

    /// <summary>
    /// An OMS-managed trailing stop is re-priced (cancel, then replace) once its level improved by at least this fraction
    /// of the trailing distance (and at least one tick): 0.1 with a 1 % trail re-prices every 0.1 %.
    /// </summary>
    public decimal TrailingRepriceFraction { get; set; } = 0.1m;
}

/// <summary>Checks <see cref="ContingentOrderOptions"/> at start-up.</summary>
public sealed class ContingentOrderOptionsValidator : IValidateOptions<ContingentOrderOptions>
{
    public ValidateOptionsResult Validate(string? name, ContingentOrderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ReconcileInterval <= TimeSpan.Zero) failures.Add($"{nameof(options.ReconcileInterval)} must be positive (was {options.ReconcileInterval})");
        if (options.PriceInterval <= TimeSpan.Zero) failures.Add($"{nameof(options.PriceInterval)} must be positive (was {options.PriceInterval})");
        if (options.ReminderPeriod <= TimeSpan.Zero) failures.Add($"{nameof(options.ReminderPeriod)} must be positive (was {options.ReminderPeriod})");
        if (options.ReconcilingRetryDelay <= TimeSpan.Zero) failures.Add($"{nameof(options.ReconcilingRetryDelay)} must be positive (was {options.ReconcilingRetryDelay})");
        if (options.NotificationRetryDelay <= TimeSpan.Zero) failures.Add($"{nameof(options.NotificationRetryDelay)} must be positive (was {options.NotificationRetryDelay})");
        if (options.NotificationRetryMaxDelay < options.NotificationRetryDelay)
        {
            failures.Add($"{nameof(options.NotificationRetryMaxDelay)} must be at least {nameof(options.NotificationRetryDelay)} (was {options.NotificationRetryMaxDelay}, delay {options.NotificationRetryDelay})");
        }
        if (options.NotificationAttempts < 1) failures.Add($"{nameof(options.NotificationAttempts)} must be at least 1 (was {options.NotificationAttempts})");
        if (options.MaxCancelAttempts < 1) failures.Add($"{nameof(options.MaxCancelAttempts)} must be at least 1 (was {options.MaxCancelAttempts})");
        if (options.TrailingRepriceFraction is < 0m or > 1m)
        {
            failures.Add($"{nameof(options.TrailingRepriceFraction)} must be between 0 and 1 (was {options.TrailingRepriceFraction})");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
