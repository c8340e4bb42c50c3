// @binance/spot market streams on /stream?streams=…: bookTicker, trade and diff depth; a trade is printed by
// moving the price through the admin API.
import { EVENT_TIMEOUT_MS, Inbox, admin, scenario, simEnv, sleep } from '../../lib/harness.mjs';
import { spotClient } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, moveTo } = args;
    const client = spotClient('public');
    const connection = await client.websocketStreams.connect({ stream: [`${symbol.toLowerCase()}@bookTicker`] });
    const books = new Inbox('bookTicker');
    const trades = new Inbox('trade');
    const depth = new Inbox('depth');
    try {
        connection.bookTicker({ symbol }).on('message', (m) => books.push(m));
        connection.trade({ symbol }).on('message', (m) => trades.push(m));
        connection.diffBookDepth({ symbol, updateSpeed: '100ms' }).on('message', (m) => depth.push(m));
        // SUBSCRIBE for the later streams is fire-and-forget in the SDK: trade the price back and forth until
        // every stream has spoken (bounded).
        steps.priceMoves = [];
        for (let i = 0; i < 40 && (trades.messages.length === 0 || depth.messages.length === 0 || books.messages.length === 0); i++) {
            const price = i % 2 === 0 ? moveTo[0] : moveTo[1];
            await admin('POST', '/prices', { symbol, price, market: 'spot' });
            steps.priceMoves = [...steps.priceMoves, price];
            await sleep(500);
        }
        steps.trade = await trades.waitFor((m) => m.e === 'trade', EVENT_TIMEOUT_MS, 'trade event');
        steps.depth = await depth.waitFor((m) => m.e === 'depthUpdate', EVENT_TIMEOUT_MS, 'depthUpdate event');
        steps.bookTicker = await books.waitFor((m) => m.s === symbol, EVENT_TIMEOUT_MS, 'bookTicker event');
        steps.lastBookTicker = books.messages.at(-1);
        steps.depthUpdates = depth.messages.slice(0, 20);
    } finally {
        await connection.disconnect().catch(() => {});
    }
});
