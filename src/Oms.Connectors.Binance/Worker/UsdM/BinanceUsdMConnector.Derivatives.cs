namespace Oms.Connectors.Binance.Worker.UsdM;

// The derivatives account port: settings, margin inputs and income over the sessions of an account attached here.
public sealed partial class BinanceUsdMConnector : IDerivativesAccountPort
{
    public bool Serves(Venue venue, MarketType market) => venue == Venue.Binance && market == MarketType.UsdMFutures;

    public Task<DerivativesPortResult<DerivativesSymbolSettings>> SetLeverageAsync(AccountId account, InstrumentId instrument, int leverage,
        CancellationToken cancellationToken = default) =>
        With(account, instrument.Venue, instrument.Market, w => w.SetLeverageAsync(instrument, leverage, cancellationToken));

    public Task<DerivativesPortResult<bool>> SetMarginTypeAsync(AccountId account, InstrumentId instrument, VenueMarginType marginType,
        CancellationToken cancellationToken = default) =>
        With(account, instrument.Venue, instrument.Market, w => w.SetMarginTypeAsync(instrument, marginType, cancellationToken));

    public Task<DerivativesPortResult<bool>> SetPositionModeAsync(AccountId account, Venue venue, MarketType market, PositionMode mode,
        CancellationToken cancellationToken = default) =>
        With(account, venue, market, w => w.SetPositionModeAsync(mode, cancellationToken));

    public Task<DerivativesPortResult<DerivativesAccountSettings>> GetSettingsAsync(AccountId account, Venue venue, MarketType market, InstrumentId? instrument,
        CancellationToken cancellationToken = default) =>
        With(account, venue, market, w => w.GetSettingsAsync(instrument, cancellationToken));

    public Task<DerivativesPortResult<DerivativesMarginInputs>> GetMarginInputsAsync(AccountId account, Venue venue, MarketType market,
        CancellationToken cancellationToken = default) =>
        With(account, venue, market, w => w.GetMarginInputsAsync(cancellationToken));

    public Task<DerivativesPortResult<IReadOnlyList<VenueIncome>>> GetIncomeAsync(AccountId account, Venue venue, MarketType market, DateTimeOffset since,
        CancellationToken cancellationToken = default) =>
        With(account, venue, market, w => w.GetIncomeAsync(since, cancellationToken));

    /// <summary>
    /// Runs a call on the account's worker. The account's sessions run where its account grain is active (which is
    /// the caller); an account without sessions in this silo gets an answer that says so, and nothing is sent.
    /// </summary>
    private Task<DerivativesPortResult<T>> With<T>(AccountId account, Venue venue, MarketType market, Func<BinanceUsdMAccountWorker, Task<DerivativesPortResult<T>>> call)
    {
        if (!Serves(venue, market))
        {
            return Task.FromResult(DerivativesPortResult<T>.Failed(DerivativesPortError.InvalidRequest,
                $"the Binance USD-M connector does not serve {venue} {market}"));
        }
        var worker = GetWorker(account);
        if (worker is null)
        {
            return Task.FromResult(DerivativesPortResult<T>.Failed(DerivativesPortError.Unavailable,
                $"the Binance USD-M sessions of account {account} do not run in this silo (not attached); nothing was sent"));
        }
        return call(worker);
    }
}
