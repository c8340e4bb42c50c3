// Shared plumbing for the conformance scenarios.
//
// A scenario is `node scenarios/<area>/<name>.mjs`, started by the C# tests with the simulator's URLs and
// a freshly created account's keys in environment variables. It drives an official client (the SDK computes
// every signature), records what the client returned step by step, and prints exactly one line
// `@@RESULT {"ok":…,"steps":{…},"error":…}` on stdout. Everything else on stdout/stderr is diagnostics.

const RESULT_MARKER = '@@RESULT ';

/** How long a scenario waits for one expected event (generous: a loaded 2-core CI machine). */
export const EVENT_TIMEOUT_MS = 30000;

function required(name) {
    const value = process.env[name];
    if (value === undefined || value === '') {
        throw new Error(`environment variable ${name} is required`);
    }
    return value;
}

function optional(name) {
    const value = process.env[name];
    return value === undefined || value === '' ? undefined : value;
}

/** Simulator endpoints and credentials handed over by the C# fixture. */
export function simEnv() {
    return {
        rest: required('SIM_REST').replace(/\/+$/, ''), // http://127.0.0.1:PORT
        wsRoot: required('SIM_WS_ROOT').replace(/\/+$/, ''), // ws://127.0.0.1:PORT
        spotWsApi: required('SIM_SPOT_WS_API'), // ws://127.0.0.1:PORT/ws-api/v3
        futuresWsApi: required('SIM_FUTURES_WS_API'), // ws://127.0.0.1:PORT/ws-fapi/v1
        admin: required('SIM_ADMIN').replace(/\/+$/, ''), // http://127.0.0.1:PORT/sim
        accountId: optional('SIM_ACCOUNT_ID'),
        apiKey: optional('SIM_API_KEY'),
        apiSecret: optional('SIM_API_SECRET'),
        edApiKey: optional('SIM_ED25519_API_KEY'),
        edPrivateKey: optional('SIM_ED25519_PRIVATE_KEY'),
        args: JSON.parse(optional('SCENARIO_ARGS') ?? '{}'),
    };
}

/** Calls the simulator's admin API (never used for what the SDK under test should do). */
export async function admin(method, path, body) {
    const env = simEnv();
    const response = await fetch(`${env.admin}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
        throw new Error(`admin ${method} ${path} -> ${response.status} ${text}`);
    }
    return text.length === 0 ? null : JSON.parse(text);
}

/**
 * Waits until the simulator reports a WebSocket carrying this account's user data (a WS API subscription or a
 * listenKey attached to a stream): after that, events for the account are delivered, so a scenario can trade.
 */
export async function waitForUserDataConnection(kindPrefix, timeoutMs = EVENT_TIMEOUT_MS) {
    const { accountId } = simEnv();
    const deadline = Date.now() + timeoutMs;
    let last = [];
    while (Date.now() < deadline) {
        last = await admin('GET', '/connections');
        const found = last.find((c) => (c.accounts ?? []).includes(accountId) && (kindPrefix === undefined || String(c.kind).toLowerCase().includes(kindPrefix.toLowerCase())));
        if (found) {
            return found;
        }
        await sleep(100);
    }
    throw new Error(`no user-data connection for account ${accountId} within ${timeoutMs} ms; connections: ${JSON.stringify(last)}`);
}

/** A serialisable description of an error thrown by an SDK (code/msg of a Binance error when present). */
export function describeError(error) {
    if (error === null || error === undefined) {
        return null;
    }
    const info = {
        name: error.constructor?.name ?? typeof error,
        message: String(error.message ?? error.msg ?? JSON.stringify(error)),
    };
    for (const key of ['code', 'status', 'statusCode', 'response']) {
        if (error[key] !== undefined && typeof error[key] !== 'object') {
            info[key] = error[key];
        }
    }
    // @binance/common errors carry the server's JSON as the message ("{"code":-2011,"msg":…}") or in `response`.
    const candidates = [error, error.message, error.response?.data, error.error];
    for (const candidate of candidates) {
        const parsed = tryParse(candidate);
        if (parsed && typeof parsed === 'object' && 'code' in parsed) {
            info.binanceCode = Number(parsed.code);
            info.binanceMsg = parsed.msg;
            break;
        }
    }
    if (info.binanceCode === undefined) {
        const match = /"code"\s*:\s*(-?\d+)/.exec(info.message) ?? /(?:^|\D)(-[1-9]\d{3})(?:\D|$)/.exec(info.message);
        if (match) {
            info.binanceCode = Number(match[1]);
        }
    }
    if (error.stack) {
        info.stack = String(error.stack).split('\n').slice(0, 8).join('\n');
    }
    return info;
}

function tryParse(value) {
    if (value && typeof value === 'object') {
        return value;
    }
    if (typeof value !== 'string') {
        return null;
    }
    const start = value.indexOf('{');
    if (start < 0) {
        return null;
    }
    try {
        return JSON.parse(value.slice(start));
    } catch {
        return null;
    }
}

/** Runs `promise` and returns the thrown error's description (or fails when it did not throw). */
export async function expectError(promise) {
    try {
        const value = await promise;
        return { threw: false, value: plain(value) };
    } catch (error) {
        return { threw: true, error: describeError(error) };
    }
}

/** JSON-safe copy (BigInt → string, Map → object, drops functions). */
export function plain(value) {
    return JSON.parse(
        JSON.stringify(value, (_, v) => {
            if (typeof v === 'bigint') {
                return v.toString();
            }
            if (v instanceof Map) {
                return Object.fromEntries(v);
            }
            return v;
        }) ?? 'null',
    );
}

/** Resolves with the first message for which `predicate` is true, or rejects after `timeoutMs`. */
export class Inbox {
    constructor(label) {
        this.label = label;
        this.messages = [];
        this.waiters = [];
    }

    push(message) {
        const copy = plain(message);
        this.messages.push(copy);
        for (const waiter of [...this.waiters]) {
            if (waiter.predicate(copy)) {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                clearTimeout(waiter.timer);
                waiter.resolve(copy);
            }
        }
    }

    waitFor(predicate, timeoutMs = EVENT_TIMEOUT_MS, what = 'a matching message') {
        const found = this.messages.find(predicate);
        if (found) {
            return Promise.resolve(found);
        }
        return new Promise((resolve, reject) => {
            const waiter = { predicate, resolve };
            waiter.timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                const seen = this.messages.map((m) => JSON.stringify(m).slice(0, 300));
                reject(new Error(`${this.label}: no ${what} within ${timeoutMs} ms; received ${seen.length}: ${seen.slice(-10).join(' | ')}`));
            }, timeoutMs);
            this.waiters.push(waiter);
        });
    }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a scenario body and prints the result line. `body(steps)` records results with `steps.name = value`
 * (values are copied JSON-safe). A hard timeout guarantees the process ends even if a socket hangs.
 */
export async function scenario(body, { timeoutMs = 120000 } = {}) {
    const steps = {};
    const recorder = new Proxy(steps, {
        set(target, key, value) {
            target[key] = plain(value);
            return true;
        },
    });
    let finished = false;
    const finish = (result) => {
        if (finished) {
            return;
        }
        finished = true;
        process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`, () => process.exit(0));
    };
    const timer = setTimeout(() => {
        finish({ ok: false, steps, error: { name: 'ScenarioTimeout', message: `scenario did not finish within ${timeoutMs} ms` } });
    }, timeoutMs);
    process.on('unhandledRejection', (reason) => {
        console.error('unhandled rejection:', reason);
    });
    try {
        await body(recorder);
        clearTimeout(timer);
        finish({ ok: true, steps, error: null });
    } catch (error) {
        clearTimeout(timer);
        finish({ ok: false, steps, error: describeError(error) });
    }
}
