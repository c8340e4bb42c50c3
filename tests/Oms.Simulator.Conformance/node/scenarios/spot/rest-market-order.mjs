// @binance/spot REST, a MARKET order that fills against the simulator's market maker (FULL response with fills),
// then myTrades and the account balances.
import { scenario, simEnv } from '../../lib/harness.mjs';
import { rest, spotClient } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const client = spotClient(args.key);
    const { symbol, quantity, clientOrderId } = args;

    steps.placed = await rest(client.restAPI.newOrder({
        symbol, side: 'BUY', type: 'MARKET', quantity: Number(quantity),
        newClientOrderId: clientOrderId, newOrderRespType: 'FULL',
    }));
    steps.queried = await rest(client.restAPI.getOrder({ symbol, orderId: Number(steps.placed.data.orderId) }));
    steps.myTrades = await rest(client.restAPI.myTrades({ symbol }));
    steps.account = await rest(client.restAPI.getAccount({ omitZeroBalances: true }));
});
