using Oms.Cli.CommandLine;
using Oms.Cli.Errors;
using Oms.Cli.Output;
using Wire = Oms.Gateway.V1;

namespace Oms.Cli.Commands;

/// <summary>
/// Builds the instrument for <c>--symbol</c>/<c>SYMBOL</c>: the venue is the account's own, the market comes from
/// <c>--market</c> or, when the account trades a single market, from the account.
/// </summary>
internal static class InstrumentResolver
{
    /// <summary>The values of <c>--market</c>.</summary>
    public static readonly string[] MarketNames = ["spot", "usdm"];

    public static async Task<Wire.Instrument> ResolveAsync(CliContext context, string account, string symbol, string? market, CancellationToken cancellationToken)
    {
        var info = await context.Connection.CallAsync(
            o => context.Connection.Accounts.GetAccountAsync(new Wire.GetAccountRequest { AccountId = account }, o), cancellationToken);
        var markets = info.Markets.ToList();
        Wire.MarketType chosen;
        if (!string.IsNullOrWhiteSpace(market))
        {
            chosen = ParseMarket(market);
            if (markets.Count > 0 && !markets.Contains(chosen))
            {
                throw CliException.Usage($"account {account} trades {Describe(markets)}; --market {market} is not one of its markets");
            }
        }
        else if (markets.Count == 1)
        {
            chosen = markets[0];
        }
        else
        {
            throw CliException.Usage($"account {account} trades {Describe(markets)}: pass --market spot or --market usdm");
        }
        return new Wire.Instrument { Venue = info.Venue, Market = chosen, Symbol = NormalizeSymbol(symbol) };
    }

    public static string NormalizeSymbol(string symbol)
    {
        var s = symbol.Trim().ToUpperInvariant();
        if (s.Length is 0 or > 32 || s.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            throw CliException.Usage($"symbol '{symbol}' must be 1-32 letters or digits as the venue spells it, e.g. BTCUSDT");
        }
        return s;
    }

    public static Wire.MarketType ParseMarket(string text) => text.Trim().ToLowerInvariant() switch
    {
        "spot" => Wire.MarketType.Spot,
        "usdm" or "usdm-futures" or "futures" => Wire.MarketType.UsdmFutures,
        _ => throw CliException.Usage($"--market '{text}' is not one of: spot, usdm"),
    };

    private static string Describe(IReadOnlyCollection<Wire.MarketType> markets) =>
        markets.Count == 0 ? "no market" : string.Join(" and ", markets.Select(m => WireNames.Short(m)));
}
