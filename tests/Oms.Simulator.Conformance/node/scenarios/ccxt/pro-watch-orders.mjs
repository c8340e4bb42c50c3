// ccxt.pro binance futures watchOrders: POST /fapi/v1/listenKey, then /private/ws?listenKey=… (ccxt rewrites the
// futures /ws URL); a MARKET order placed over REST must come back as order updates (open → closed).
import { EVENT_TIMEOUT_MS, scenario, simEnv, waitForUserDataConnection } from '../../lib/harness.mjs';
import { binance } from '../../lib/ccxt.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, amount } = args;
    const exchange = binance({ pro: true, defaultType: 'future' });
    await exchange.loadHttpProxyAgent();
    await exchange.loadMarkets();
    const updates = [];
    let failure;
    const pump = (async () => {
        while (!updates.some((o) => o.status === 'closed')) {
            const batch = await exchange.watchOrders(symbol);
            updates.push(...batch.map((o) => ({ id: o.id, clientOrderId: o.clientOrderId, status: o.status, filled: o.filled, amount: o.amount, average: o.average, side: o.side, type: o.type })));
        }
    })().catch((e) => { failure = e; });
    try {
        steps.connection = await waitForUserDataConnection();
        steps.placed = await exchange.createOrder(symbol, 'market', 'buy', Number(amount));
        const deadline = Date.now() + EVENT_TIMEOUT_MS;
        while (!updates.some((o) => o.status === 'closed') && failure === undefined && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 100));
        }
        if (failure) {
            throw failure;
        }
        steps.updates = updates;
    } finally {
        steps.updates = updates;
        await exchange.close().catch(() => {});
        await Promise.race([pump, new Promise((r) => setTimeout(r, 1000))]);
    }
});
