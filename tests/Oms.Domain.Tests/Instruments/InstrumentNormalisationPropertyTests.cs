using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Oms.Domain.Tests.Instruments;

/// <summary>
/// Normalisation on random grids (spot and USDⓈ-M, minimums on and off the grid): a buy price never goes up, a sell
/// price never goes down, a quantity never goes up, each moves by less than one increment, the result is a fixed point,
/// and a normalised value inside the limits always passes the tick and step checks.
/// </summary>
public sealed class InstrumentNormalisationPropertyTests
{
    private sealed record Case(InstrumentSpec Spec, decimal Price, decimal Quantity, bool IsMarket)
    {
        public override string ToString() =>
            $"{Spec.Id} tick={Spec.TickSize} minPrice={Spec.MinPrice} step={Spec.StepSize} minQty={Spec.MinQuantity} marketStep={Spec.MarketStepSize} price={Price} qty={Quantity} market={IsMarket}";
    }

    private static readonly Arbitrary<Case> Cases =
        (from futures in Gen.Elements(true, false)
         from tick in Gen.Elements(0.000001m, 0.01m, 0.1m, 0.5m, 5m)
         from minPriceTicks in Gen.Choose(0, 50)
         from minPriceOffset in Gen.Elements(0m, 0.3m)           // 0.3 of a tick puts the minimum off the zero-based grid
         from step in Gen.Elements(0.00001m, 0.001m, 0.1m, 1m)
         from marketStep in Gen.Elements(0m, 0.01m)
         from minQtySteps in Gen.Choose(0, 20)
         from minQtyOffset in Gen.Elements(0m, 0.5m)
         from priceUnits in Gen.Choose(1, 2_000_000_000)
         from priceScale in Gen.Elements(0.000001m, 0.0001m, 0.01m)
         from qtyUnits in Gen.Choose(1, 2_000_000_000)
         from qtyScale in Gen.Elements(0.0000001m, 0.00001m, 0.001m)
         from isMarket in Gen.Elements(true, false)
         select new Case(
             new InstrumentSpec
             {
                 Id = futures ? TestIds.BtcUsdtPerp : TestIds.BtcUsdtSpot,
                 BaseAsset = "BTC",
                 QuoteAsset = "USDT",
                 TickSize = tick,
                 MinPrice = (minPriceTicks + minPriceOffset) * tick,
                 StepSize = step,
                 MinQuantity = (minQtySteps + minQtyOffset) * step,
                 MarketStepSize = marketStep,
             },
             priceUnits * priceScale,
             qtyUnits * qtyScale,
             isMarket)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Price_normalisation_is_never_more_aggressive_and_lands_on_the_grid() =>
        Prop.ForAll(Cases, c =>
        {
            var tick = c.Spec.TickSize;
            var buy = c.Spec.NormalizePrice(c.Price, OrderSide.Buy);
            var sell = c.Spec.NormalizePrice(c.Price, OrderSide.Sell);

            Assert.True(buy <= c.Price && c.Price - buy < tick, $"buy {c.Price} became {buy}");
            Assert.True(sell >= c.Price && sell - c.Price < tick, $"sell {c.Price} became {sell}");
            Assert.Equal(buy, c.Spec.NormalizePrice(buy, OrderSide.Buy));
            Assert.Equal(buy, c.Spec.NormalizePrice(buy, OrderSide.Sell));
            Assert.Equal(sell, c.Spec.NormalizePrice(sell, OrderSide.Sell));
            Assert.Equal(sell, c.Spec.NormalizePrice(sell, OrderSide.Buy));
            // A price already on the grid is its own normal form on both sides, so sell - buy is 0 or one tick.
            Assert.True(sell == buy || sell - buy == tick);

            var quantity = c.Spec.MinQuantity + 1m * c.Spec.StepSize;
            foreach (var normalised in new[] { buy, sell })
            {
                if (normalised < c.Spec.MinPrice || normalised <= 0m) continue;
                Assert.NotEqual(DenialCode.PriceNotOnTick, c.Spec.Check(normalised, quantity, isMarket: false, referencePrice: null)?.Code);
            }
        });

    [Property(MaxTest = 500)]
    public Property Quantity_normalisation_never_rounds_up_and_lands_on_the_step() =>
        Prop.ForAll(Cases, c =>
        {
            var step = c.IsMarket && c.Spec.MarketStepSize > 0m ? c.Spec.MarketStepSize : c.Spec.StepSize;
            var normalised = c.Spec.NormalizeQuantity(c.Quantity, c.IsMarket);

            Assert.True(normalised <= c.Quantity && c.Quantity - normalised < step, $"{c.Quantity} became {normalised}");
            Assert.Equal(normalised, c.Spec.NormalizeQuantity(normalised, c.IsMarket));
            if (normalised >= c.Spec.MinQuantity && normalised > 0m)
            {
                var price = c.Spec.NormalizePrice(c.Spec.MinPrice + c.Spec.TickSize, OrderSide.Buy);
                Assert.NotEqual(DenialCode.QuantityNotOnStep, c.Spec.Check(price, normalised, c.IsMarket, referencePrice: null)?.Code);
            }
        });
}
