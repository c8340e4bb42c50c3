// Factories for the official clients, pointed at the simulator exactly as REFERENCE.md §8.2 describes.
// Timeouts are generous (a loaded 2-core CI machine) and automatic retries are off so that what the
// simulator answered is what the scenario sees.

import { Spot } from '@binance/spot';
import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';
import { simEnv } from './harness.mjs';

const REST_TIMEOUT_MS = 20000;
const WS_TIMEOUT_MS = 20000;

/** Credentials of the selected key kind: `hmac` (apiSecret), `ed25519` (privateKey PEM) or `public` (none). */
export function credentials(kind = 'hmac') {
    const env = simEnv();
    if (kind === 'public') {
        return {};
    }
    if (kind === 'ed25519') {
        if (!env.edApiKey || !env.edPrivateKey) {
            throw new Error('SIM_ED25519_API_KEY / SIM_ED25519_PRIVATE_KEY are required for ed25519 scenarios');
        }
        return { apiKey: env.edApiKey, privateKey: env.edPrivateKey };
    }
    if (!env.apiKey || !env.apiSecret) {
        throw new Error('SIM_API_KEY / SIM_API_SECRET are required for hmac scenarios');
    }
    return { apiKey: env.apiKey, apiSecret: env.apiSecret };
}

/** `@binance/spot` with REST, WS API and streams on the simulator. */
export function spotClient(kind = 'hmac') {
    const env = simEnv();
    const keys = credentials(kind);
    return new Spot({
        configurationRestAPI: { ...keys, basePath: env.rest, timeout: REST_TIMEOUT_MS, retries: 0, keepAlive: false },
        configurationWebsocketAPI: { ...keys, wsURL: env.spotWsApi, timeout: WS_TIMEOUT_MS, reconnectDelay: 60000 },
        configurationWebsocketStreams: { wsURL: env.wsRoot, reconnectDelay: 60000 },
    });
}

/** `@binance/derivatives-trading-usds-futures` with REST, WS API and streams on the simulator. */
export function futuresClient(kind = 'hmac') {
    const env = simEnv();
    const keys = credentials(kind);
    return new DerivativesTradingUsdsFutures({
        configurationRestAPI: { ...keys, basePath: env.rest, timeout: REST_TIMEOUT_MS, retries: 0, keepAlive: false },
        configurationWebsocketAPI: { ...keys, wsURL: env.futuresWsApi, timeout: WS_TIMEOUT_MS, reconnectDelay: 60000 },
        configurationWebsocketStreams: { wsURL: env.wsRoot, reconnectDelay: 60000 },
    });
}

/** Unwraps a `@binance/common` REST response: body plus the rate-limit headers it parsed. */
export async function rest(promise) {
    const response = await promise;
    return { status: response.status, data: await response.data(), rateLimits: response.rateLimits ?? null };
}

/** Unwraps a `@binance/common` WS API response. */
export async function wsapi(promise) {
    const response = await promise;
    return { data: response.data, rateLimits: response.rateLimits ?? null };
}
