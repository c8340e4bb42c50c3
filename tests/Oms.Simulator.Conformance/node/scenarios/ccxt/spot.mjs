// ccxt binance spot over REST: loadMarkets, fetchBalance, createOrder limit, fetchOrder, fetchOpenOrders,
// cancelOrder, createOrder market, fetchMyTrades, fetchBalance.
import { scenario, simEnv } from '../../lib/harness.mjs';
import { binance } from '../../lib/ccxt.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, amount, price } = args;
    const exchange = binance({ defaultType: 'spot' });
    await exchange.loadMarkets();
    steps.balanceBefore = (await exchange.fetchBalance()).info;
    const limit = await exchange.createOrder(symbol, 'limit', 'buy', Number(amount), Number(price));
    steps.limit = limit;
    steps.fetched = await exchange.fetchOrder(limit.id, symbol);
    steps.open = await exchange.fetchOpenOrders(symbol);
    steps.canceled = await exchange.cancelOrder(limit.id, symbol);
    steps.market = await exchange.createOrder(symbol, 'market', 'buy', Number(amount));
    steps.trades = await exchange.fetchMyTrades(symbol);
    const balance = await exchange.fetchBalance();
    steps.balanceAfter = { BTC: balance.BTC, USDT: balance.USDT };
});
