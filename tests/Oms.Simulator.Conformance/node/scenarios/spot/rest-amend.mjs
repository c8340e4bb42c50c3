// @binance/spot REST orderAmendKeepPriority (PUT /api/v3/order/amend/keepPriority): reduce a resting LIMIT's quantity
// keeping its client order id (newClientOrderId = the current one), query it, cancel it.
import { scenario, simEnv } from '../../lib/harness.mjs';
import { rest, spotClient } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, quantity, amendedQuantity, price, clientOrderId } = args;
    const api = spotClient('hmac').restAPI;
    steps.placed = await rest(api.newOrder({
        symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
        quantity: Number(quantity), price: Number(price), newClientOrderId: clientOrderId,
    }));
    steps.amended = await rest(api.orderAmendKeepPriority({
        symbol, origClientOrderId: clientOrderId, newClientOrderId: clientOrderId, newQty: Number(amendedQuantity),
    }));
    steps.queried = await rest(api.getOrder({ symbol, orderId: Number(steps.placed.data.orderId) }));
    steps.canceled = await rest(api.deleteOrder({ symbol, orderId: Number(steps.placed.data.orderId) }));
});
