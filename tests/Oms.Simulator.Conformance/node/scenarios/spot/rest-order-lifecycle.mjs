// @binance/spot REST, a resting LIMIT order's life: account, newOrder, getOrder by origClientOrderId,
// getOpenOrders, orderCancelReplace, deleteOrder (twice: the second must fail with -2011), allOrders; errors the SDK
// surfaces: unknown order (-2013), insufficient balance (-2010).
import { expectError, scenario, simEnv } from '../../lib/harness.mjs';
import { rest, spotClient } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const client = spotClient(args.key);
    const { symbol, quantity, price, replacePrice, clientOrderId, replaceClientOrderId } = args;

    steps.account = await rest(client.restAPI.getAccount({ omitZeroBalances: true }));
    steps.placed = await rest(client.restAPI.newOrder({
        symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
        quantity: Number(quantity), price: Number(price), newClientOrderId: clientOrderId,
    }));
    steps.queried = await rest(client.restAPI.getOrder({ symbol, origClientOrderId: clientOrderId }));
    steps.openOrders = await rest(client.restAPI.getOpenOrders({ symbol }));
    steps.replaced = await rest(client.restAPI.orderCancelReplace({
        symbol, side: 'BUY', type: 'LIMIT', cancelReplaceMode: 'STOP_ON_FAILURE', timeInForce: 'GTC',
        quantity: Number(quantity), price: Number(replacePrice),
        cancelOrigClientOrderId: clientOrderId, newClientOrderId: replaceClientOrderId,
    }));
    steps.canceled = await rest(client.restAPI.deleteOrder({ symbol, origClientOrderId: replaceClientOrderId }));
    steps.cancelAgain = await expectError(client.restAPI.deleteOrder({ symbol, origClientOrderId: replaceClientOrderId }));
    steps.openOrdersAfter = await rest(client.restAPI.getOpenOrders({ symbol }));
    steps.unknownOrder = await expectError(client.restAPI.getOrder({ symbol, origClientOrderId: `${replaceClientOrderId}-x` }));
    steps.insufficient = await expectError(client.restAPI.newOrder({
        symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 10, price: Number(price),
    }));
    steps.allOrders = await rest(client.restAPI.allOrders({ symbol }));
});
