// @binance/derivatives-trading-usds-futures user data: REST startUserDataStream (listenKey), the streams client
// subscribes it on /private; a resting LIMIT modified (AMENDMENT) and filled by moving the price through the admin API and a MARKET order
// produce ORDER_TRADE_UPDATE (NEW, TRADE) and ACCOUNT_UPDATE (reason ORDER); keepalive and close the listenKey.
import { EVENT_TIMEOUT_MS, Inbox, admin, scenario, simEnv, waitForUserDataConnection } from '../../lib/harness.mjs';
import { futuresClient, rest } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, quantity, makerPrice, modifiedMakerPrice, moveTo, ids } = args;
    const client = futuresClient('hmac');
    const api = client.restAPI;
    steps.listenKey = await rest(api.startUserDataStream());
    const listenKey = steps.listenKey.data.listenKey;
    const connection = await client.websocketStreams.connect();
    const inbox = new Inbox('user data');
    try {
        connection.userData(listenKey).on('message', (event) => inbox.push(event));
        steps.connection = await waitForUserDataConnection();

        steps.makerPlaced = await rest(api.newOrder({
            symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
            quantity: Number(quantity), price: Number(makerPrice), newClientOrderId: ids.maker,
        }));
        await inbox.waitFor((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o?.c === ids.maker && e.o?.x === 'NEW', EVENT_TIMEOUT_MS, 'NEW for the maker order');
        steps.makerModified = await rest(api.modifyOrder({
            symbol, side: 'BUY', quantity: Number(quantity), price: Number(modifiedMakerPrice), origClientOrderId: ids.maker,
        }));
        await inbox.waitFor((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o?.c === ids.maker && e.o?.x === 'AMENDMENT', EVENT_TIMEOUT_MS, 'AMENDMENT for the maker order');
        steps.priceMove = await admin('POST', '/prices', { symbol, price: moveTo, market: 'usdm' });
        await inbox.waitFor((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o?.c === ids.maker && e.o?.X === 'FILLED', EVENT_TIMEOUT_MS, 'FILLED for the maker order');

        steps.takerPlaced = await rest(api.newOrder({
            symbol, side: 'BUY', type: 'MARKET', quantity: Number(quantity),
            newClientOrderId: ids.taker, newOrderRespType: 'RESULT',
        }));
        const filled = await inbox.waitFor((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o?.c === ids.taker && e.o?.X === 'FILLED', EVENT_TIMEOUT_MS, 'FILLED for the taker order');
        await inbox.waitFor((e) => e.e === 'ACCOUNT_UPDATE' && Number(e.T) >= Number(filled.T) && (e.a?.P ?? []).some((p) => p.s === symbol), EVENT_TIMEOUT_MS, 'ACCOUNT_UPDATE after the taker fill');

        steps.keepalive = await rest(api.keepaliveUserDataStream());
        steps.positionRisk = await rest(api.positionInformationV3({ symbol }));
        steps.balance = await rest(api.futuresAccountBalanceV3());
        steps.closed = await rest(api.closeUserDataStream());
    } finally {
        steps.events = inbox.messages;
        await connection.disconnect().catch(() => {});
    }
});
