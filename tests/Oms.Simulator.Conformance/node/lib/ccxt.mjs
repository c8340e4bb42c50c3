// ccxt 4.5.84 `binance` / `pro.binance` pointed at the simulator (REFERENCE.md §8.2): every REST base the
// scenarios can touch and the WebSocket URLs are overridden; nothing can reach a real host.

import ccxt from 'ccxt';
import { simEnv } from './harness.mjs';

/**
 * @param {object} o
 * @param {boolean} [o.pro] ccxt.pro (WebSocket) class
 * @param {'spot'|'future'} [o.defaultType]
 * @param {boolean} [o.fetchMargins] ccxt's default (true) makes loadMarkets call the signed /sapi margin pair lists
 */
export function binance({ pro = false, defaultType = 'spot', fetchMargins = false } = {}) {
    const env = simEnv();
    const Exchange = pro ? ccxt.pro.binance : ccxt.binance;
    const exchange = new Exchange({
        apiKey: env.apiKey,
        secret: env.apiSecret,
        enableRateLimit: false,
        timeout: 20000,
        options: {
            defaultType,
            fetchCurrencies: false,
            fetchMargins,
            fetchMarkets: { types: ['spot', 'linear'] },
            adjustForTimeDifference: false,
        },
    });
    const http = env.rest;
    const api = exchange.urls.api;
    Object.assign(api, {
        public: `${http}/api/v3`,
        private: `${http}/api/v3`,
        v1: `${http}/api/v1`,
        sapi: `${http}/sapi/v1`,
        sapiV2: `${http}/sapi/v2`,
        sapiV3: `${http}/sapi/v3`,
        sapiV4: `${http}/sapi/v4`,
        fapiPublic: `${http}/fapi/v1`,
        fapiPublicV2: `${http}/fapi/v2`,
        fapiPublicV3: `${http}/fapi/v3`,
        fapiPrivate: `${http}/fapi/v1`,
        fapiPrivateV2: `${http}/fapi/v2`,
        fapiPrivateV3: `${http}/fapi/v3`,
        fapiData: `${http}/futures/data`,
        dapiPublic: `${http}/dapi/v1`,
        dapiPrivate: `${http}/dapi/v1`,
        dapiPrivateV2: `${http}/dapi/v2`,
        dapiData: `${http}/futures/data`,
        eapiPublic: `${http}/eapi/v1`,
        eapiPrivate: `${http}/eapi/v1`,
        papi: `${http}/papi/v1`,
        papiV2: `${http}/papi/v2`,
    });
    if (pro) {
        api.ws = {
            ...api.ws,
            spot: `${env.wsRoot}/ws`,
            margin: `${env.wsRoot}/ws`,
            future: `${env.wsRoot}/ws`,
            delivery: `${env.wsRoot}/ws`,
            stock: `${env.wsRoot}/ws`,
            option: `${env.wsRoot}/public/ws`,
            optionMarket: `${env.wsRoot}/market/ws`,
            optionPrivate: `${env.wsRoot}/private/ws`,
            papi: `${env.wsRoot}/pm/ws`,
            'ws-api': { spot: env.spotWsApi, future: env.futuresWsApi, delivery: env.futuresWsApi },
        };
    }
    return exchange;
}

/** Error description for ccxt exceptions (class name tells the mapped Binance error). */
export function ccxtError(error) {
    return { name: error?.constructor?.name, message: String(error?.message ?? error) };
}
