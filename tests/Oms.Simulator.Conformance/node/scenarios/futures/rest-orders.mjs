// @binance/derivatives-trading-usds-futures REST: leverage and margin type, a LIMIT order placed / queried /
// modified / listed / canceled, a MARKET order that opens a position, positionRisk v3, account v3, balance v3,
// a STOP_MARKET sent to /fapi/v1/order (-4120), and the Algo Service: newAlgoOrder STOP_MARKET, query, list, cancel.
import { expectError, scenario, simEnv } from '../../lib/harness.mjs';
import { futuresClient, rest } from '../../lib/clients.mjs';

await scenario(async (steps) => {
    const { args } = simEnv();
    const { key, symbol, quantity, price, modifiedPrice, triggerPrice, ids } = args;
    const api = futuresClient(key).restAPI;

    steps.leverage = await rest(api.changeInitialLeverage({ symbol, leverage: 10 }));
    steps.marginType = await rest(api.changeMarginType({ symbol, marginType: 'ISOLATED' }));

    steps.placed = await rest(api.newOrder({
        symbol, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
        quantity: Number(quantity), price: Number(price), newClientOrderId: ids.limit,
    }));
    const orderId = Number(steps.placed.data.orderId);
    steps.queried = await rest(api.queryOrder({ symbol, origClientOrderId: ids.limit }));
    steps.modified = await rest(api.modifyOrder({ symbol, side: 'BUY', quantity: Number(quantity), price: Number(modifiedPrice), orderId }));
    steps.openOrders = await rest(api.currentAllOpenOrders({ symbol }));
    steps.canceled = await rest(api.cancelOrder({ symbol, orderId }));

    steps.market = await rest(api.newOrder({
        symbol, side: 'BUY', type: 'MARKET', quantity: Number(quantity),
        newClientOrderId: ids.market, newOrderRespType: 'RESULT',
    }));
    steps.marketQueried = await rest(api.queryOrder({ symbol, orderId: Number(steps.market.data.orderId) }));
    steps.positionRisk = await rest(api.positionInformationV3({ symbol }));
    steps.account = await rest(api.accountInformationV3());
    steps.balance = await rest(api.futuresAccountBalanceV3());
    steps.userTrades = await rest(api.accountTradeList({ symbol }));

    steps.stopOnOrderEndpoint = await expectError(api.newOrder({
        symbol, side: 'SELL', type: 'STOP_MARKET', quantity: Number(quantity), stopPrice: Number(triggerPrice),
    }));

    steps.algoPlaced = await rest(api.newAlgoOrder({
        algoType: 'CONDITIONAL', symbol, side: 'SELL', type: 'STOP_MARKET', quantity: Number(quantity),
        triggerPrice: Number(triggerPrice), workingType: 'CONTRACT_PRICE', clientAlgoId: ids.algo,
    }));
    const algoId = Number(steps.algoPlaced.data.algoId);
    steps.algoQueried = await rest(api.queryAlgoOrder({ algoId }));
    steps.algoOpen = await rest(api.currentAllAlgoOpenOrders({ symbol }));
    steps.openOrdersWithAlgo = await rest(api.currentAllOpenOrders({ symbol }));
    steps.algoCanceled = await rest(api.cancelAlgoOrder({ algoId }));
    steps.algoAfterCancel = await rest(api.queryAlgoOrder({ clientAlgoId: ids.algo }));
});
