using Microsoft.Extensions.Options;

namespace Oms.Connectors.Binance;

/// <summary>Validates <see cref="BinanceOptions"/> at start-up (register with <c>services.AddSingleton&lt;IValidateOptions&lt;BinanceOptions&gt;, BinanceOptionsValidator&gt;()</c> and <c>ValidateOnStart</c>).</summary>
public sealed class BinanceOptionsValidator : IValidateOptions<BinanceOptions>
{
    public ValidateOptionsResult Validate(string? name, BinanceOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
