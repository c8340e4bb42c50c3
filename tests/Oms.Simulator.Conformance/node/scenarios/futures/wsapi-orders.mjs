// @binance/derivatives-trading-usds-futures WS API (/ws-fapi/v1): order.place, order.status, order.modify,
// order.cancel on a resting LIMIT; order.place MARKET; account.position and account.balance; algoOrder.place and
// algoOrder.cancel (each request signed).
import { scenario, simEnv } from '../../lib/harness.mjs';
import { futuresClient, wsapi } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { key, symbol, quantity, price, modifiedPrice, triggerPrice, ids } = args;
    const connection = await futuresClient(key).websocketAPI.connect();
    try {
        steps.placed = await wsapi(connection.newOrder({
            symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
            quantity: Number(quantity), price: Number(price), newClientOrderId: ids.limit,
        }));
        const orderId = Number(steps.placed.data.orderId);
        steps.queried = await wsapi(connection.queryOrder({ symbol, origClientOrderId: ids.limit }));
        steps.modified = await wsapi(connection.modifyOrder({ symbol, side: 'BUY', quantity: Number(quantity), price: Number(modifiedPrice), orderId }));
        steps.canceled = await wsapi(connection.cancelOrder({ symbol, orderId }));
        steps.market = await wsapi(connection.newOrder({
            symbol, side: 'BUY', type: 'MARKET', quantity: Number(quantity),
            newClientOrderId: ids.market, newOrderRespType: 'RESULT',
        }));
        steps.marketQueried = await wsapi(connection.queryOrder({ symbol, orderId: Number(steps.market.data.orderId) }));
        steps.position = await wsapi(connection.positionInformation({ symbol }));
        steps.balance = await wsapi(connection.futuresAccountBalance());
        steps.algoPlaced = await wsapi(connection.newAlgoOrder({
            algoType: 'CONDITIONAL', symbol, side: 'SELL', type: 'STOP_MARKET', quantity: Number(quantity),
            triggerPrice: Number(triggerPrice), clientAlgoId: ids.algo,
        }));
        steps.algoCanceled = await wsapi(connection.cancelAlgoOrder({ clientAlgoId: ids.algo }));
    } finally {
        await connection.disconnect().catch(() => {});
    }
});
