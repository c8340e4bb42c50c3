// @binance/spot REST, an OCO sell (LIMIT_MAKER above, STOP_LOSS_LIMIT below): orderListOco, getOrderList,
// openOrderList, deleteOrderList, allOrderList.
import { scenario, simEnv } from '../../lib/harness.mjs';
import { rest, spotClient } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const client = spotClient('hmac');
    const { symbol, quantity, abovePrice, belowStopPrice, belowPrice, listClientOrderId } = args;

    steps.placed = await rest(client.restAPI.orderListOco({
        symbol, side: 'SELL', quantity: Number(quantity),
        aboveType: 'LIMIT_MAKER', abovePrice: Number(abovePrice),
        belowType: 'STOP_LOSS_LIMIT', belowStopPrice: Number(belowStopPrice), belowPrice: Number(belowPrice),
        belowTimeInForce: 'GTC', listClientOrderId,
    }));
    const orderListId = Number(steps.placed.data.orderListId);
    steps.queried = await rest(client.restAPI.getOrderList({ orderListId }));
    steps.openLists = await rest(client.restAPI.openOrderList());
    steps.canceled = await rest(client.restAPI.deleteOrderList({ symbol, orderListId }));
    steps.allLists = await rest(client.restAPI.allOrderList({ limit: 10 }));
});
