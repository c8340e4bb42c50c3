// @binance/spot WS API (/ws-api/v3): with an Ed25519 key the session logs on (session.logon) and subscribes with
// userDataStream.subscribe; with an HMAC key every request is signed and the subscription uses
// userDataStream.subscribe.signature. Then orderPlace / orderStatus / openOrdersStatus / orderAmendKeepPriority / orderCancelReplace /
// orderAmendKeepPriority / orderCancel on a resting LIMIT, a resting LIMIT filled by moving the price through the admin API, a MARKET order
// that fills at once, accountStatus — and the executionReport / outboundAccountPosition events of all of it.
import { EVENT_TIMEOUT_MS, Inbox, admin, scenario, simEnv } from '../../lib/harness.mjs';
import { spotClient, wsapi } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { key, symbol, quantity, amendedQuantity, price, replacePrice, makerPrice, moveTo, ids } = args;
    const client = spotClient(key);
    const connection = await client.websocketAPI.connect();
    const inbox = new Inbox('user data');
    try {
        let subscription;
        if (key === 'ed25519') {
            const logon = await connection.sessionLogon();
            steps.logon = logon.map((r) => r.data);
            steps.sessionStatus = await wsapi(connection.sessionStatus());
            subscription = await connection.userDataStreamSubscribe();
        } else {
            subscription = await connection.userDataStreamSubscribeSignature();
        }
        steps.subscribe = subscription.response.data;
        subscription.stream.on('message', (event) => inbox.push(event));

        // A resting order: place, query, list, replace, cancel.
        steps.placed = await wsapi(connection.orderPlace({
            symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
            quantity: Number(quantity), price: Number(price), newClientOrderId: ids.resting,
        }));
        steps.status = await wsapi(connection.orderStatus({ symbol, origClientOrderId: ids.resting }));
        steps.openOrders = await wsapi(connection.openOrdersStatus({ symbol }));
        steps.amended = await wsapi(connection.orderAmendKeepPriority({
            symbol, origClientOrderId: ids.resting, newClientOrderId: ids.resting, newQty: Number(amendedQuantity),
        }));
        await inbox.waitFor((e) => e.e === 'executionReport' && e.c === ids.resting && e.x === 'REPLACED', EVENT_TIMEOUT_MS, 'REPLACED for the amended order');
        steps.replaced = await wsapi(connection.orderCancelReplace({
            symbol, side: 'BUY', type: 'LIMIT', cancelReplaceMode: 'STOP_ON_FAILURE', timeInForce: 'GTC',
            quantity: Number(quantity), price: Number(replacePrice),
            cancelOrigClientOrderId: ids.resting, newClientOrderId: ids.replacement,
        }));
        steps.canceled = await wsapi(connection.orderCancel({ symbol, origClientOrderId: ids.replacement }));

        // A resting order filled when the admin API trades the market through its price (we are the maker).
        steps.makerPlaced = await wsapi(connection.orderPlace({
            symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
            quantity: Number(quantity), price: Number(makerPrice), newClientOrderId: ids.maker,
        }));
        await inbox.waitFor((e) => e.e === 'executionReport' && e.c === ids.maker && e.x === 'NEW', EVENT_TIMEOUT_MS, 'NEW for the maker order');
        steps.priceMove = await admin('POST', '/prices', { symbol, price: moveTo, market: 'spot' });
        await inbox.waitFor((e) => e.e === 'executionReport' && e.c === ids.maker && e.X === 'FILLED', EVENT_TIMEOUT_MS, 'FILLED for the maker order');

        // A MARKET order that takes liquidity at once.
        steps.takerPlaced = await wsapi(connection.orderPlace({
            symbol, side: 'BUY', type: 'MARKET', quantity: Number(quantity),
            newClientOrderId: ids.taker, newOrderRespType: 'FULL',
        }));
        const takerFilled = await inbox.waitFor(
            (e) => e.e === 'executionReport' && e.c === ids.taker && e.X === 'FILLED', EVENT_TIMEOUT_MS, 'FILLED for the taker order');
        await inbox.waitFor(
            (e) => e.e === 'outboundAccountPosition' && Number(e.E) >= Number(takerFilled.E), EVENT_TIMEOUT_MS, 'outboundAccountPosition after the taker fill');

        steps.account = await wsapi(connection.accountStatus({ omitZeroBalances: true }));
        steps.openOrdersAfter = await wsapi(connection.openOrdersStatus({ symbol }));
    } finally {
        steps.events = inbox.messages;
        await connection.disconnect().catch(() => {});
    }
});
