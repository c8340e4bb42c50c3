// ccxt binance USDⓈ-M (linear) over REST: loadMarkets, fetchBalance, createOrder limit, fetchOrder, editOrder
// (PUT /fapi/v1/order), fetchOpenOrders, cancelOrder, createOrder market, fetchMyTrades, fetchPositions.
import { scenario, simEnv } from '../../lib/harness.mjs';
import { binance } from '../../lib/ccxt.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, amount, price, editedPrice } = args;
    const exchange = binance({ defaultType: 'future' });
    await exchange.loadMarkets();
    steps.balanceBefore = (await exchange.fetchBalance()).USDT;
    const limit = await exchange.createOrder(symbol, 'limit', 'buy', Number(amount), Number(price));
    steps.limit = limit;
    steps.fetched = await exchange.fetchOrder(limit.id, symbol);
    steps.edited = await exchange.editOrder(limit.id, symbol, 'limit', 'buy', Number(amount), Number(editedPrice));
    steps.open = await exchange.fetchOpenOrders(symbol);
    steps.canceled = await exchange.cancelOrder(steps.edited.id, symbol);
    steps.market = await exchange.createOrder(symbol, 'market', 'buy', Number(amount));
    steps.trades = await exchange.fetchMyTrades(symbol);
    steps.positions = await exchange.fetchPositions([symbol]);
    const balance = await exchange.fetchBalance();
    steps.balanceAfter = { USDT: balance.USDT, info: balance.info };
});
