// ccxt loadMarkets with ccxt's default fetchMargins=true (fetchCurrencies=false): with keys it calls
// GET /api/v3/exchangeInfo, the signed GET /sapi/v1/margin/allPairs and /sapi/v1/margin/isolated/allPairs,
// and GET /fapi/v1/exchangeInfo (REFERENCE.md §8.4 item 4).
import { scenario } from '../../lib/harness.mjs';
import { binance } from '../../lib/ccxt.mjs';

await scenario(async (steps) => {
    const exchange = binance({ fetchMargins: true });
    const markets = await exchange.loadMarkets();
    const spot = markets['BTC/USDT'];
    const linear = markets['BTC/USDT:USDT'];
    steps.symbols = Object.keys(markets).sort();
    steps.spot = { id: spot?.id, type: spot?.type, precision: spot?.precision, limits: spot?.limits, margin: spot?.margin };
    steps.linear = { id: linear?.id, type: linear?.type, linear: linear?.linear, settle: linear?.settle, precision: linear?.precision, limits: linear?.limits };
    steps.crossMarginPairs = exchange.options.crossMarginPairsData;
    steps.isolatedMarginPairs = exchange.options.isolatedMarginPairsData;
});
