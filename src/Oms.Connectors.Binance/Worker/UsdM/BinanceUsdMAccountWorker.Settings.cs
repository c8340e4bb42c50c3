using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Oms.Connectors.Binance.Http;
using Oms.Connectors.Binance.Parsing;

namespace Oms.Connectors.Binance.Worker.UsdM;

// Account settings (leverage, margin type, position mode), margin inputs and income: calls that wait for the venue's
// answer, made over the account's REST client (they are rare and need no ordering with the order flow).
public sealed partial class BinanceUsdMAccountWorker
{
    private const int IncomePageSize = 1000;
    private const int MaxIncomePages = 20;
    private static readonly TimeSpan BracketsMaxAge = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<InstrumentId, (IReadOnlyList<MaintenanceBracket> Brackets, DateTimeOffset ReadAt)> _brackets = new();

    internal async Task<DerivativesPortResult<DerivativesSymbolSettings>> SetLeverageAsync(InstrumentId instrument, int leverage, CancellationToken cancellationToken)
    {
        return await LeasedAsync(async sessions =>
        {
            var result = await sessions.Rest.SetLeverageAsync(instrument, leverage, cancellationToken).ConfigureAwait(false);
            if (!result.TryGetValue(out var answer)) return Failure<DerivativesSymbolSettings>(result.Error!);
            _shared.Metrics.Command(Venue, "leverage", "ok");
            _logger.LogInformation("Account {Account}: leverage of {Instrument} set to {Leverage} (max notional {MaxNotional})", Account, instrument, answer.Leverage,
                answer.MaxNotionalValue);
            return DerivativesPortResult<DerivativesSymbolSettings>.Ok(new DerivativesSymbolSettings
            {
                Instrument = answer.Instrument, Leverage = answer.Leverage, MaxNotional = answer.MaxNotionalValue > 0m ? answer.MaxNotionalValue : null,
            });
        }, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<DerivativesPortResult<bool>> SetMarginTypeAsync(InstrumentId instrument, VenueMarginType marginType, CancellationToken cancellationToken)
    {
        return await LeasedAsync(async sessions =>
        {
            var result = await sessions.Rest.SetMarginTypeAsync(instrument, marginType, cancellationToken).ConfigureAwait(false);
            if (!result.TryGetValue(out var changed)) return Failure<bool>(result.Error!);
            _shared.Metrics.Command(Venue, "margin_type", "ok");
            _logger.LogInformation("Account {Account}: margin type of {Instrument} is {MarginType} ({Changed})", Account, instrument, marginType,
                changed ? "changed" : "already set");
            return DerivativesPortResult<bool>.Ok(changed);
        }, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<DerivativesPortResult<bool>> SetPositionModeAsync(PositionMode mode, CancellationToken cancellationToken)
    {
        return await LeasedAsync(async sessions =>
        {
            var result = await sessions.Rest.SetPositionModeAsync(mode, cancellationToken).ConfigureAwait(false);
            if (!result.TryGetValue(out var changed)) return Failure<bool>(result.Error!);
            _shared.Metrics.Command(Venue, "position_mode", "ok");
            // The venue sends no event for a position mode change: report it to the account like one.
            Post(new VenueAccountConfigUpdate { Account = Account, Timestamp = Now, Source = VenueEventSource.Response, PositionMode = mode });
            _logger.LogInformation("Account {Account}: position mode is {Mode} ({Changed})", Account, mode, changed ? "changed" : "already set");
            return DerivativesPortResult<bool>.Ok(changed);
        }, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<DerivativesPortResult<DerivativesAccountSettings>> GetSettingsAsync(InstrumentId? instrument, CancellationToken cancellationToken)
    {
        return await LeasedAsync(async sessions =>
        {
            var mode = await sessions.Rest.GetPositionModeAsync(cancellationToken).ConfigureAwait(false);
            if (!mode.TryGetValue(out var positionMode)) return Failure<DerivativesAccountSettings>(mode.Error!);
            var configs = await sessions.Rest.GetSymbolConfigsAsync(instrument, cancellationToken).ConfigureAwait(false);
            if (!configs.TryGetValue(out var rows)) return Failure<DerivativesAccountSettings>(configs.Error!);
            return DerivativesPortResult<DerivativesAccountSettings>.Ok(new DerivativesAccountSettings
            {
                PositionMode = positionMode,
                Instruments = [.. rows.Select(r => new DerivativesSymbolSettings
                {
                    Instrument = r.Instrument, Leverage = r.Leverage, MarginType = r.MarginType, MaxNotional = r.MaxNotionalValue is > 0m ? r.MaxNotionalValue : null,
                })],
            });
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Positions with their marks (<c>positionRisk</c>), the margin asset's wallet (<c>balance</c>) and the brackets of every symbol held (cached for an hour).</summary>
    internal async Task<DerivativesPortResult<DerivativesMarginInputs>> GetMarginInputsAsync(CancellationToken cancellationToken)
    {
        return await LeasedAsync(async sessions =>
        {
            var positions = await sessions.Rest.GetPositionsAsync(null, cancellationToken).ConfigureAwait(false);
            if (!positions.TryGetValue(out var positionList)) return Failure<DerivativesMarginInputs>(positions.Error!);
            var balances = await sessions.Rest.GetBalancesAsync(cancellationToken).ConfigureAwait(false);
            if (!balances.TryGetValue(out var balanceList)) return Failure<DerivativesMarginInputs>(balances.Error!);

            var open = positionList.Where(p => p.Quantity != 0m).ToList();
            var asset = open.Select(p => p.MarginAsset).FirstOrDefault(a => !string.IsNullOrEmpty(a)) ?? "USDT";
            var wallet = balanceList.FirstOrDefault(b => string.Equals(b.Asset, asset, StringComparison.OrdinalIgnoreCase))?.WalletBalance ?? 0m;
            var brackets = new Dictionary<InstrumentId, IReadOnlyList<MaintenanceBracket>>();
            var now = Now;
            foreach (var instrument in open.Select(p => p.Instrument).Distinct())
            {
                if (_brackets.TryGetValue(instrument, out var cached) && now - cached.ReadAt < BracketsMaxAge)
                {
                    brackets[instrument] = cached.Brackets;
                    continue;
                }
                var read = await sessions.Rest.GetLeverageBracketsAsync(instrument, cancellationToken).ConfigureAwait(false);
                if (!read.TryGetValue(out var rows)) return Failure<DerivativesMarginInputs>(read.Error!);
                foreach (var row in rows)
                {
                    _brackets[row.Instrument] = (row.Brackets, now);
                    brackets[row.Instrument] = row.Brackets;
                }
            }
            return DerivativesPortResult<DerivativesMarginInputs>.Ok(new DerivativesMarginInputs
            {
                Asset = asset,
                WalletBalance = wallet,
                Positions = [.. open.Select(p => new MarginPositionInput
                {
                    Instrument = p.Instrument,
                    PositionSide = p.PositionSide,
                    Quantity = p.Quantity,
                    EntryPrice = p.EntryPrice,
                    MarkPrice = p.MarkPrice is > 0m ? p.MarkPrice : null,
                    MarginType = p.IsolatedWallet is > 0m || p.IsolatedMargin is > 0m ? VenueMarginType.Isolated : VenueMarginType.Cross,
                    IsolatedWallet = p.IsolatedWallet,
                    VenueMaintenanceMargin = p.MaintenanceMargin,
                })],
                Brackets = brackets,
                ReadAt = now,
            });
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The income history from <paramref name="since"/> on, oldest first: pages of 1000 by start time (bounded to 20 pages per call).</summary>
    internal async Task<DerivativesPortResult<IReadOnlyList<VenueIncome>>> GetIncomeAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        return await LeasedAsync(async sessions =>
        {
            var rows = new Dictionary<(long, string), VenueIncome>();
            var from = since;
            for (var page = 0; page < MaxIncomePages; page++)
            {
                var result = await sessions.Rest.GetIncomeAsync(null, null, from, null, null, IncomePageSize, cancellationToken).ConfigureAwait(false);
                if (!result.TryGetValue(out var list)) return Failure<IReadOnlyList<VenueIncome>>(result.Error!);
                foreach (var row in list) rows[(row.TransactionId, row.TypeText)] = ToIncome(row);
                if (list.Count < IncomePageSize) break;
                var last = list.Max(r => r.Time);
                // Rows of the same millisecond may straddle pages: the next page starts at that millisecond (duplicates merge by id).
                if (last <= from)
                {
                    _logger.LogWarning("Account {Account}: more than {Count} USD-M income rows at {Time}; the rest follow in the next read", Account, IncomePageSize, last);
                    break;
                }
                from = last;
            }
            return DerivativesPortResult<IReadOnlyList<VenueIncome>>.Ok([.. rows.Values.OrderBy(r => r.Time).ThenBy(r => r.TransactionId)]);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static VenueIncome ToIncome(UsdMIncome row) => new()
    {
        Instrument = row.Instrument,
        Type = row.Type switch
        {
            UsdMIncomeType.RealizedPnl => VenueIncomeType.RealizedPnl,
            UsdMIncomeType.FundingFee => VenueIncomeType.FundingFee,
            UsdMIncomeType.Commission => VenueIncomeType.Commission,
            UsdMIncomeType.Transfer => VenueIncomeType.Transfer,
            UsdMIncomeType.InsuranceClear => VenueIncomeType.InsuranceClear,
            _ => VenueIncomeType.Other,
        },
        TypeText = row.TypeText,
        Amount = row.Amount,
        Asset = row.Asset,
        Time = row.Time,
        TransactionId = row.TransactionId,
        TradeId = row.TradeId,
    };

    /// <summary>
    /// Runs a settings call on the account's sessions (waiting for the first connection like commands do), leased as
    /// commands lease them: a rotation replacing the sessions meanwhile retires them only once the call is done.
    /// </summary>
    private async Task<DerivativesPortResult<T>> LeasedAsync<T>(Func<BinanceUsdMSessions, Task<DerivativesPortResult<T>>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Volatile.Read(ref _stopped) != 0) return NoSessions<T>();
            var sessions = await WaitReadyAsync(cancellationToken).ConfigureAwait(false);
            if (sessions is null) return NoSessions<T>();
            if (!sessions.TryAcquire())
            {
                await Task.Yield();
                continue;
            }
            try
            {
                return await call(sessions).ConfigureAwait(false);
            }
            finally
            {
                sessions.Release();
            }
        }
    }

    private DerivativesPortResult<T> NoSessions<T>() => DerivativesPortResult<T>.Failed(DerivativesPortError.Unauthorized,
        $"account {Account} has no Binance USD-M key or its sessions are stopping in this silo; nothing was sent");

    private DerivativesPortResult<T> Failure<T>(BinanceError error)
    {
        var kind = error.Kind switch
        {
            VenueErrorKind.InvalidRequest or VenueErrorKind.FilterFailure => DerivativesPortError.InvalidRequest,
            VenueErrorKind.Unauthorized or VenueErrorKind.InvalidSignature => DerivativesPortError.Unauthorized,
            VenueErrorKind.UnknownOutcome or VenueErrorKind.Network or VenueErrorKind.RateLimited or VenueErrorKind.IpBanned
                or VenueErrorKind.InvalidTimestamp => DerivativesPortError.Unavailable,
            _ => IsRequestError(error.Code) ? DerivativesPortError.InvalidRequest : DerivativesPortError.Rejected,
        };
        _shared.Metrics.Command(Venue, "settings", kind.ToString().ToLowerInvariant());
        _logger.LogWarning("Account {Account}: {Message}", Account, error.Message);
        return DerivativesPortResult<T>.Failed(kind, error.Message, error.CodeText, outcomeUnknown: error.Kind == VenueErrorKind.UnknownOutcome);
    }

    /// <summary>Venue codes that mean the request itself was wrong (bad symbol, leverage out of range, bad parameter).</summary>
    private static bool IsRequestError(int? code) => code is -1102 or -1111 or -1116 or -1121 or -1130 or -4028;
}
