// Baseline of the OMS load generator: the same open-loop order flow as the OMS run, placed directly by the official
// `@binance/spot` SDK over the WebSocket API (`orderPlace`) against the same simulator.
//
// Started by tests/Oms.LoadGen as a child process with one argument, the path of a JSON file:
//   { wsApi, accounts: [{ accountId, apiKey, privateKey }], symbol, side, type, timeInForce, price, quantity,
//     rate, warmupSeconds, durationSeconds, idPrefix, drainSeconds, timeoutMs, resultFile }
// Each account gets its own SDK client: one WS API connection, Ed25519 session logon (so requests are not signed one
// by one, as the OMS connector does), and a user-data subscription on the same connection.
//
// Open loop: order i is due at start + i / rate whatever happened to earlier orders; latencies are measured from that
// scheduled time (no coordinated omission), the lag of the actual send behind the schedule is reported separately.
// Orders are spread round-robin over the accounts. Warm-up orders are sent at the same rate and not recorded.
//
// Writes its result as JSON to `resultFile` (stdout is a pipe node may not flush before exiting; the result is large)
// and prints `@@RESULT ok` or `@@RESULT failed` on stdout. The result holds, per recorded order, the microseconds from its scheduled send to
// the WS API response (`responseUs`) and to the first executionReport for its client order id (`ackUs`, its `x` counted
// in `ackKinds`), the lag of the send (`sendLagUs`), errors by code, wall time, the schedule's start on the monotonic
// clock (`startMonotonicNs`, CLOCK_MONOTONIC like .NET's Stopwatch on Linux), and this process's CPU and resident memory.
// Everything else goes to stderr.

import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Spot } from '@binance/spot';

const RESULT_MARKER = '@@RESULT ';
const now = () => process.hrtime.bigint();
const micros = (ns) => Number(ns / 1000n);

function errorCode(error) {
    // @binance/common raises Error objects whose message carries the Binance error JSON, or plain transport errors.
    const text = String(error?.message ?? error);
    const match = /"code"\s*:\s*(-?\d+)/.exec(text) ?? /code[=: ]+(-?\d+)/i.exec(text);
    if (match) return `binance ${match[1]}`;
    if (/timeout|timed out/i.test(text)) return 'timeout';
    return text.slice(0, 80);
}

async function openAccount(config, account) {
    const client = new Spot({
        configurationWebsocketAPI: {
            apiKey: account.apiKey,
            privateKey: account.privateKey,
            wsURL: config.wsApi,
            timeout: config.timeoutMs,
            reconnectDelay: 60000,
        },
    });
    const connection = await client.websocketAPI.connect();
    await connection.sessionLogon();
    const subscription = await connection.userDataStreamSubscribe();
    return { account, connection, subscription };
}

async function main() {
    const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
    const sessions = await Promise.all(config.accounts.map((a) => openAccount(config, a)));

    const warmup = Math.round(config.rate * config.warmupSeconds);
    const measured = Math.round(config.rate * config.durationSeconds);
    const total = warmup + measured;
    const intervalNs = 1e9 / config.rate;

    // Per order: scheduled time, send lag, response and ack latency (ns relative to the schedule), error.
    const scheduled = new Array(total);
    const sendLag = new Float64Array(total).fill(NaN);
    const response = new Float64Array(total).fill(NaN);
    const ack = new Float64Array(total).fill(NaN);
    const ackAt = new Array(total);
    const ackKind = new Array(total);
    const byId = new Map();
    const errors = {};
    let responses = 0;
    let acks = 0;

    for (const session of sessions) {
        session.subscription.stream.on('message', (event) => {
            if (event?.e !== 'executionReport') return;
            const index = byId.get(event.c);
            if (index === undefined || !Number.isNaN(ack[index])) return;
            const at = now();
            ack[index] = Number(at - scheduled[index]);
            ackAt[index] = at;
            ackKind[index] = event.x;
            acks++;
        });
    }

    const send = (index) => {
        const session = sessions[index % sessions.length];
        const id = `${config.idPrefix}${index}`;
        byId.set(id, index);
        sendLag[index] = Number(now() - scheduled[index]);
        session.connection.orderPlace({
            symbol: config.symbol,
            side: config.side,
            type: config.type,
            timeInForce: config.timeInForce,
            quantity: Number(config.quantity),
            price: Number(config.price),
            newClientOrderId: id,
            newOrderRespType: 'FULL',
        }).then(() => {
            response[index] = Number(now() - scheduled[index]);
            responses++;
        }, (error) => {
            const code = errorCode(error);
            errors[code] = (errors[code] ?? 0) + 1;
            responses++;
        });
    };

    const cpuStart = process.cpuUsage();
    const start = now() + 100_000_000n;
    for (let i = 0; i < total; i++) scheduled[i] = start + BigInt(Math.round(i * intervalNs));
    let next = 0;
    while (next < total) {
        const t = now();
        while (next < total && scheduled[next] <= t) send(next++);
        if (next < total) {
            const waitMs = Number(scheduled[next] - now()) / 1e6;
            // Timers have about 1 ms resolution: the lag this causes is measured (sendLagUs) and counts against the SDK.
            await sleep(Math.max(1, Math.floor(waitMs)));
        }
    }
    const sendEnd = now();

    // Drain: wait for every response and ack (bounded).
    const drainDeadline = now() + BigInt(Math.round(config.drainSeconds * 1e9));
    while ((responses < total || acks < total - sumValues(errors)) && now() < drainDeadline) await sleep(5);
    const end = now();
    const cpu = process.cpuUsage(cpuStart);

    const pick = (values) => Array.from(values.subarray(warmup)).filter((v) => !Number.isNaN(v)).map((v) => Math.round(v / 1000));
    const measuredStart = scheduled[warmup];
    const lastScheduled = scheduled[total - 1];
    let lastAck = measuredStart;
    const ackKinds = {};
    for (let i = warmup; i < total; i++) {
        if (ackAt[i] === undefined) continue;
        if (ackAt[i] > lastAck) lastAck = ackAt[i];
        ackKinds[ackKind[i]] = (ackKinds[ackKind[i]] ?? 0) + 1;
    }
    const result = {
        ok: true,
        sdk: '@binance/spot',
        sdkVersion: JSON.parse(readFileSync(new URL('./node_modules/@binance/spot/package.json', import.meta.url), 'utf8')).version,
        node: process.version,
        accounts: sessions.length,
        warmupOrders: warmup,
        measuredOrders: measured,
        responses: pick(response).length,
        acks: pick(ack).length,
        errors,
        scheduledSeconds: Number(lastScheduled - measuredStart) / 1e9,
        lastAckSeconds: Number(lastAck - measuredStart) / 1e9,
        ackKinds,
        sendSeconds: Number(sendEnd - measuredStart) / 1e9,
        wallSeconds: Number(end - start) / 1e9,
        cpuUserSeconds: cpu.user / 1e6,
        cpuSystemSeconds: cpu.system / 1e6,
        rssBytes: process.memoryUsage().rss,
        sendLagUs: pick(sendLag),
        responseUs: pick(response),
        ackUs: pick(ack),
        startMonotonicNs: String(start),
    };
    writeFileSync(config.resultFile, JSON.stringify(result));
    await Promise.all(sessions.map((session) => session.connection.disconnect().catch(() => {})));
    process.stdout.write(RESULT_MARKER + 'ok\n');
}

function sumValues(object) {
    return Object.values(object).reduce((a, b) => a + b, 0);
}

main().then(() => process.exit(0), (error) => {
    process.stderr.write(`baseline failed: ${error?.stack ?? error}\n`);
    try {
        const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
        writeFileSync(config.resultFile, JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
    } catch {
        // The caller reports the missing result with this process's output.
    }
    process.stdout.write(RESULT_MARKER + 'failed\n');
    process.exitCode = 1;
});
