// ccxt.pro binance spot watchBalance: WS API userDataStream.subscribe.signature (HMAC) on /ws-api/v3; a MARKET
// buy placed over REST must come back as a balance update.
import { EVENT_TIMEOUT_MS, scenario, simEnv, waitForUserDataConnection } from '../../lib/harness.mjs';
import { binance } from '../../lib/ccxt.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { symbol, amount } = args;
    const exchange = binance({ pro: true, defaultType: 'spot' });
    await exchange.loadHttpProxyAgent();
    await exchange.loadMarkets();
    const snapshots = [];
    let failure;
    let stop = false;
    const pump = (async () => {
        while (!stop) {
            const balance = await exchange.watchBalance();
            snapshots.push({ BTC: balance.BTC, USDT: balance.USDT, info: balance.info });
        }
    })().catch((e) => { failure = e; });
    try {
        steps.connection = await waitForUserDataConnection();
        steps.placed = await exchange.createOrder(symbol, 'market', 'buy', Number(amount));
        const filledBtc = Number(steps.placed.filled);
        const deadline = Date.now() + EVENT_TIMEOUT_MS;
        const hasBtcUpdate = () => snapshots.some((s) => {
            const event = s.info?.event ?? s.info;
            return event?.e === 'outboundAccountPosition' && (event.B ?? []).some((b) => b.a === 'BTC');
        });
        while (!hasBtcUpdate() && failure === undefined && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 100));
        }
        if (failure) {
            throw failure;
        }
        steps.filledBtc = filledBtc;
    } finally {
        stop = true;
        steps.snapshots = snapshots;
        await exchange.close().catch(() => {});
        await Promise.race([pump, new Promise((r) => setTimeout(r, 1000))]);
    }
});
