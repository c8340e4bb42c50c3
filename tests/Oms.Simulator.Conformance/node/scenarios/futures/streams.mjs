// @binance/derivatives-trading-usds-futures market streams: bookTicker on /public, markPrice@1s on /market
// (the SDK opens /public, /market and /private with an empty streams= list and SUBSCRIBEs).
import { EVENT_TIMEOUT_MS, Inbox, admin, scenario, simEnv, sleep } from '../../lib/harness.mjs';
import { futuresClient } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, moveTo } = args;
    const connection = await futuresClient('public').websocketStreams.connect();
    const books = new Inbox('bookTicker');
    const marks = new Inbox('markPrice');
    try {
        connection.individualSymbolBookTickerStreams({ symbol }).on('message', (m) => books.push(m));
        connection.markPriceStream({ symbol, updateSpeed: '1s' }).on('message', (m) => marks.push(m));
        steps.priceMoves = [];
        for (let i = 0; i < 40 && (books.messages.length === 0 || marks.messages.length === 0); i++) {
            const price = i % 2 === 0 ? moveTo[0] : moveTo[1];
            await admin('POST', '/prices', { symbol, price, market: 'usdm' });
            steps.priceMoves = [...steps.priceMoves, price];
            await sleep(600);
        }
        steps.bookTicker = await books.waitFor((m) => m.e === 'bookTicker', EVENT_TIMEOUT_MS, 'bookTicker event');
        steps.markPrice = await marks.waitFor((m) => m.e === 'markPriceUpdate', EVENT_TIMEOUT_MS, 'markPriceUpdate event');
    } finally {
        await connection.disconnect().catch(() => {});
    }
});
