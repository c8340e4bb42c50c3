// ccxt binance USDⓈ-M: a long position protected by createOrder(…, { stopLossPrice, reduceOnly }) — ccxt sends it to
// POST /fapi/v1/algoOrder (algoType=CONDITIONAL, type=STOP_MARKET, triggerPrice) — then fetchOpenOrders with
// { trigger: true } (GET /fapi/v1/openAlgoOrders) and cancelOrder with { trigger: true } (DELETE /fapi/v1/algoOrder).
import { scenario, simEnv } from '../../lib/harness.mjs';
import { binance } from '../../lib/ccxt.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, amount, stopLossPrice } = args;
    const exchange = binance({ defaultType: 'future' });
    await exchange.loadMarkets();
    const call = async (name, fn) => {
        try {
            steps[name] = await fn();
        } finally {
            steps[`${name}Request`] = { url: exchange.last_request_url, body: exchange.last_request_body ?? null };
        }
        return steps[name];
    };
    await call('market', () => exchange.createOrder(symbol, 'market', 'buy', Number(amount)));
    const stop = await call('stop', () => exchange.createOrder(symbol, 'market', 'sell', Number(amount), undefined, { stopLossPrice: Number(stopLossPrice), reduceOnly: true }));
    await call('openTriggers', () => exchange.fetchOpenOrders(symbol, undefined, undefined, { trigger: true }));
    await call('fetchedTrigger', () => exchange.fetchOrder(stop.id, symbol, { trigger: true }));
    await call('stopCanceled', () => exchange.cancelOrder(stop.id, symbol, { trigger: true }));
});
