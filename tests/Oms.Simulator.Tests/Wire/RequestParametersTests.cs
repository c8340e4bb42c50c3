using Oms.Simulator.Wire;
using Xunit;

namespace Oms.Simulator.Tests.Wire;

public sealed class RequestParametersTests
{
    [Fact]
    public void Query_and_body_are_decoded_and_query_wins_on_conflict()
    {
        var p = RequestParameters.FromForm("symbol=%EF%BC%91%EF%BC%92&side=BUY", "side=SELL&price=0.1");

        Assert.Equal("１２", p.GetString("symbol"));
        Assert.Equal("BUY", p.GetString("side"));
        Assert.Equal(0.1m, p.GetDecimal("price"));
        Assert.Equal(3, p.Count);
    }

    [Fact]
    public void Duplicate_name_in_one_source_is_1101()
    {
        var ex = Assert.Throws<ApiErrorException>(() => RequestParameters.FromForm("a=1&a=2", null));
        Assert.Equal(-1101, ex.Error.Code);
        Assert.Equal("Duplicate values for a parameter detected.", ex.Error.Message);
    }

    [Fact]
    public void Missing_mandatory_parameter_is_1102_with_binance_message()
    {
        var p = RequestParameters.FromForm("a=1", null);
        var ex = Assert.Throws<ApiErrorException>(() => p.RequireString("symbol"));
        Assert.Equal(-1102, ex.Error.Code);
        Assert.Equal("Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.", ex.Error.Message);

        var empty = RequestParameters.FromForm("symbol=", null);
        Assert.Equal(-1102, Assert.Throws<ApiErrorException>(() => empty.RequireString("symbol")).Error.Code);
    }

    [Fact]
    public void Empty_optional_parameter_is_1105()
    {
        var p = RequestParameters.FromForm("price=", null);
        var ex = Assert.Throws<ApiErrorException>(() => p.GetDecimal("price"));
        Assert.Equal(-1105, ex.Error.Code);
        Assert.Equal("Parameter 'price' was empty.", ex.Error.Message);
    }

    [Theory]
    [InlineData("quantity", "1e5", "^([0-9]{1,20})(\\.[0-9]{1,20})?$")]
    [InlineData("quantity", "-1", "^([0-9]{1,20})(\\.[0-9]{1,20})?$")]
    [InlineData("quantity", "1.", "^([0-9]{1,20})(\\.[0-9]{1,20})?$")]
    public void Malformed_decimal_is_1100_with_legal_range(string name, string value, string range)
    {
        var p = RequestParameters.FromForm(name + "=" + Uri.EscapeDataString(value), null);
        var ex = Assert.Throws<ApiErrorException>(() => p.GetDecimal(name));
        Assert.Equal(-1100, ex.Error.Code);
        Assert.Equal($"Illegal characters found in parameter '{name}'; legal range is '{range}'.", ex.Error.Message);
    }

    [Fact]
    public void Malformed_integer_is_1100()
    {
        var p = RequestParameters.FromForm("orderId=12a", null);
        Assert.Equal(-1100, Assert.Throws<ApiErrorException>(() => p.GetLong("orderId")).Error.Code);
    }

    [Fact]
    public void Unread_parameters_are_1104_with_counts()
    {
        var p = RequestParameters.FromForm("symbol=BTCUSDT&foo=1&bar=2", null);
        p.GetString("symbol");
        var ex = Assert.Throws<ApiErrorException>(p.EnsureAllRead);
        Assert.Equal(-1104, ex.Error.Code);
        Assert.Equal("Not all sent parameters were read; read '1' parameter(s) but was sent '3'.", ex.Error.Message);
    }

    [Fact]
    public void Json_params_keep_number_text_and_sort_for_signing()
    {
        using var document = System.Text.Json.JsonDocument.Parse("""{"timestamp":1645423376532,"symbol":"BTCUSDT","price":"52000.00","flag":true,"signature":"x","skip":null}""");
        var p = RequestParameters.FromJson(document.RootElement);

        Assert.Equal("flag=true&price=52000.00&symbol=BTCUSDT&timestamp=1645423376532", p.SortedPayload());
        Assert.Equal(1645423376532, p.RequireLong("timestamp"));
        Assert.False(p.Has("skip"));
    }

    [Fact]
    public void Booleans_accept_any_case_and_reject_other_text()
    {
        Assert.True(RequestParameters.FromForm("reduceOnly=TRUE", null).GetBool("reduceOnly"));
        Assert.False(RequestParameters.FromForm("reduceOnly=false", null).GetBool("reduceOnly"));
        var ex = Assert.Throws<ApiErrorException>(() => RequestParameters.FromForm("reduceOnly=yes", null).GetBool("reduceOnly"));
        Assert.Equal(-1130, ex.Error.Code);
    }
}
