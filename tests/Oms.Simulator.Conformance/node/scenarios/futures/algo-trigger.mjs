// @binance/derivatives-trading-usds-futures: a long position, a reduce-only STOP_MARKET through the Algo Service
// (REST newAlgoOrder), then the admin API trades the price through the trigger. On the listenKey stream the SDK must
// see ALGO_UPDATE (NEW … TRIGGERED … FINISHED), ORDER_TRADE_UPDATE for the placed order, and ACCOUNT_UPDATE closing
// the position.
import { EVENT_TIMEOUT_MS, Inbox, admin, scenario, simEnv, waitForUserDataConnection } from '../../lib/harness.mjs';
import { futuresClient, rest } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, quantity, triggerPrice, moveTo, ids } = args;
    const client = futuresClient('hmac');
    const api = client.restAPI;
    steps.opened = await rest(api.newOrder({ symbol, side: 'BUY', type: 'MARKET', quantity: Number(quantity), newOrderRespType: 'RESULT' }));
    steps.listenKey = await rest(api.startUserDataStream());
    const connection = await client.websocketStreams.connect();
    const inbox = new Inbox('user data');
    try {
        connection.userData(steps.listenKey.data.listenKey).on('message', (event) => inbox.push(event));
        await waitForUserDataConnection();
        steps.algoPlaced = await rest(api.newAlgoOrder({
            algoType: 'CONDITIONAL', symbol, side: 'SELL', type: 'STOP_MARKET', quantity: Number(quantity),
            triggerPrice: Number(triggerPrice), reduceOnly: 'true', clientAlgoId: ids.algo,
        }));
        await inbox.waitFor((e) => e.e === 'ALGO_UPDATE' && e.o?.caid === ids.algo && e.o?.X === 'NEW', EVENT_TIMEOUT_MS, 'ALGO_UPDATE NEW');
        steps.priceMove = await admin('POST', '/prices', { symbol, price: moveTo, market: 'usdm' });
        await inbox.waitFor((e) => e.e === 'ALGO_UPDATE' && e.o?.caid === ids.algo && e.o?.X === 'FINISHED', EVENT_TIMEOUT_MS, 'ALGO_UPDATE FINISHED');
        await inbox.waitFor((e) => e.e === 'ACCOUNT_UPDATE' && (e.a?.P ?? []).some((p) => p.s === symbol && Number(p.pa) === 0), EVENT_TIMEOUT_MS, 'ACCOUNT_UPDATE with the position closed');
        steps.algoQueried = await rest(api.queryAlgoOrder({ clientAlgoId: ids.algo }));
        steps.positionRisk = await rest(api.positionInformationV3({ symbol }));
    } finally {
        steps.events = inbox.messages;
        await connection.disconnect().catch(() => {});
    }
});
