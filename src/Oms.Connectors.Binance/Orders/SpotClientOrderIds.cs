using System.Text.RegularExpressions;

namespace Oms.Connectors.Binance.Orders;

/// <summary>
/// Client order ids of a spot order's lineage at Binance. Binance spot changes an order's price (or raises its
/// quantity) only by cancel-replace, which gives the working order a new identity at the venue; the OMS order keeps
/// its own client order id. The replacement is placed as <c>{oms id}__R{n}</c> and the cancel of the order it replaces
/// is requested as <c>{oms id}__C{n}</c>, where <c>n</c> is the replaced venue order id in base 36 — unique per step and
/// derivable by any silo without state. Ids of that shape are therefore read as lineage ids on Binance spot: an OMS
/// order whose own id has it cannot be amended by cancel-replace (the amend is refused, saying so).
/// </summary>
public static partial class SpotClientOrderIds
{
    /// <summary>Binance's limit on a client order id's length.</summary>
    public const int MaxLength = 36;

    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>The id of the order that replaces venue order <paramref name="replacedOrderId"/>, or null when it would exceed 36 characters.</summary>
    public static string? Replacement(ClientOrderId omsId, long replacedOrderId) => Compose(omsId, "__R", replacedOrderId);

    /// <summary>The id of the cancel leg that takes venue order <paramref name="replacedOrderId"/> away, or null when it would exceed 36 characters.</summary>
    public static string? CancelLeg(ClientOrderId omsId, long replacedOrderId) => Compose(omsId, "__C", replacedOrderId);

    /// <summary>The OMS client order id a venue client order id belongs to (itself, or the OMS id of a replacement or cancel leg); null when invalid.</summary>
    public static ClientOrderId? ToOms(string? venueId)
    {
        if (venueId is null) return null;
        var match = Lineage().Match(venueId);
        if (match.Success) return new ClientOrderId(match.Groups["oms"].Value);
        return ClientOrderId.IsValid(venueId) ? new ClientOrderId(venueId) : null;
    }

    /// <summary>Whether an OMS id has the shape of a lineage id (such an order cannot be amended by cancel-replace).</summary>
    public static bool LooksLikeLineage(ClientOrderId omsId) => Lineage().IsMatch(omsId.Value);

    /// <summary>Whether <paramref name="venueId"/> is a replacement placed by cancel-replace.</summary>
    public static bool IsReplacement(string? venueId) => venueId is not null && Lineage().Match(venueId) is { Success: true } m && m.Groups["kind"].Value == "R";

    /// <summary>Whether <paramref name="venueId"/> is the cancel leg of a cancel-replace (the order it cancelled was replaced, not cancelled).</summary>
    public static bool IsCancelLeg(string? venueId) => venueId is not null && Lineage().Match(venueId) is { Success: true } m && m.Groups["kind"].Value == "C";

    private static string? Compose(ClientOrderId omsId, string marker, long replacedOrderId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replacedOrderId);
        var id = omsId.Value + marker + ToBase36(replacedOrderId);
        return id.Length <= MaxLength ? id : null;
    }

    internal static string ToBase36(long value)
    {
        if (value == 0) return "0";
        Span<char> buffer = stackalloc char[13];
        var index = buffer.Length;
        var remaining = (ulong)value;
        while (remaining > 0)
        {
            buffer[--index] = Digits[(int)(remaining % 36)];
            remaining /= 36;
        }
        return new string(buffer[index..]);
    }

    [GeneratedRegex("^(?<oms>[A-Za-z0-9._:/-]{1,32})__(?<kind>[RC])(?<n>[0-9a-z]{1,13})$", RegexOptions.CultureInvariant)]
    private static partial Regex Lineage();
}
