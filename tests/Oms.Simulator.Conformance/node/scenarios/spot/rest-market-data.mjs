// @binance/spot REST, public endpoints: ping, time, exchangeInfo, depth, bookTicker.
import { scenario, simEnv } from '../../lib/harness.mjs';
import { rest, spotClient } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const client = spotClient('public');
    const symbol = args.symbol ?? 'BTCUSDT';
    steps.ping = await rest(client.restAPI.ping());
    steps.time = await rest(client.restAPI.time());
    steps.exchangeInfo = await rest(client.restAPI.exchangeInfo({ symbol }));
    steps.depth = await rest(client.restAPI.depth({ symbol, limit: 5 }));
    steps.bookTicker = await rest(client.restAPI.tickerBookTicker({ symbol }));
});
