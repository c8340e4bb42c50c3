using Oms.Gateway.Errors;
using Wire = Oms.Gateway.V1;

namespace Oms.Gateway.Mapping;

/// <summary>Reads and writes oms.v1 order lists (OCO), naming the offending field on every violation.</summary>
public static class OrderListWire
{
    /// <summary>
    /// Reads a submit request and checks it is a legal pair with the rules the account grain applies
    /// (<see cref="OrderListValidation"/>); throws <see cref="RequestValidationException"/> with every problem otherwise.
    /// </summary>
    public static SubmitOrderList ReadSubmit(Wire.SubmitOrderListRequest request, string requestedBy)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new RequestViolations();
        var listId = RequestReader.ReadOptionalClientOrderId(request.ListClientOrderId, "list_client_order_id", violations);
        var instrument = RequestReader.ReadInstrument(request.Instrument, "instrument", violations, required: true);
        var side = WireEnums.ReadRequired<Wire.OrderSide, OrderSide>(request.Side, "side", violations);
        var quantity = WireDecimal.ReadRequired(request.Quantity, "quantity", violations);
        var above = ReadLeg(request.Above, "above", violations);
        var below = ReadLeg(request.Below, "below", violations);
        if (request.StrategyTag.Length > 64) violations.Add("strategy_tag", "is longer than 64 characters");
        violations.ThrowIfAny();

        var command = new SubmitOrderList
        {
            ListClientOrderId = listId,
            Instrument = instrument!.Value,
            Side = side,
            Quantity = quantity,
            Above = above!,
            Below = below!,
            StrategyTag = string.IsNullOrEmpty(request.StrategyTag) ? null : request.StrategyTag,
            RequestedBy = requestedBy,
        };
        StrategyMapping.AddProblems(OrderListValidation.Validate(command), violations);
        violations.ThrowIfAny();
        return command;
    }

    private static OrderListLegTerms? ReadLeg(Wire.OrderListLeg? leg, string field, RequestViolations violations)
    {
        if (leg is null)
        {
            violations.Add(field, "is required");
            return null;
        }
        var before = violations.Count;
        var type = WireEnums.ReadRequired<Wire.OrderType, OrderType>(leg.Type, $"{field}.type", violations);
        var limit = WireDecimal.ReadOptional(leg.LimitPrice, $"{field}.limit_price", violations);
        var stop = WireDecimal.ReadOptional(leg.StopPrice, $"{field}.stop_price", violations);
        var tif = WireEnums.ReadOptional(leg.TimeInForce, TimeInForce.Gtc, $"{field}.time_in_force", violations);
        var id = RequestReader.ReadOptionalClientOrderId(leg.ClientOrderId, $"{field}.client_order_id", violations);
        if (violations.Count > before) return null;
        return new OrderListLegTerms { Type = type, LimitPrice = limit, StopPrice = stop, TimeInForce = tif, ClientOrderId = id };
    }

    public static Wire.OrderListStatus ToWire(this OrderListStatus status) => (Wire.OrderListStatus)(int)status;

    public static Wire.OrderList ToWire(this OrderListSnapshot list) => new()
    {
        AccountId = list.Account.Value,
        ListClientOrderId = list.ListClientOrderId.Value,
        VenueOrderListId = list.VenueOrderListId ?? string.Empty,
        Instrument = list.Instrument.ToWire(),
        Side = list.Side.ToWire(),
        Quantity = WireDecimal.Format(list.Quantity),
        Status = list.Status.ToWire(),
        Above = list.Above.ToWire(),
        Below = list.Below.ToWire(),
        CreatedAt = list.CreatedAt.ToWire(),
        UpdatedAt = list.UpdatedAt.ToWire(),
        Reason = list.Reason ?? string.Empty,
        Denial = list.Denial?.ToWire(),
    };

    public static Wire.OrderListCommandResponse ToWire(this OrderListCommandResult result) => new()
    {
        Accepted = result.Accepted,
        OrderList = result.List?.ToWire(),
        Denial = result.Denial?.ToWire(),
    };
}
