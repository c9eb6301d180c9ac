// HTTP/1.1 pools open connections freely up to queueAfterConnections; beyond it requests wait for a free connection
// and complete on it, unless no connection came free for QUEUE_STALL_MS (long requests hold them all): then the waiting
// requests get new connections, up to maxConnections, which stays a hard limit. The config key and its default.
import type * as http from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../src/config/load.js';
import type { UpstreamHandler, UpstreamRequest } from '../src/upstream/exchange.js';
import { DEFAULT_QUEUE_AFTER, H1Pool, QUEUE_STALL_MS } from '../src/upstream/h1-pool.js';
import { httpBackend, sleep } from './proxy-fixtures.js';

interface Reply {
  status: number;
  body: string;
}

/** Method, extra fields and drain callback of a request with a body (the default: a GET without one). */
interface Upload {
  method: string;
  headers: Array<[string, string]>;
  onDrain: () => void;
}

/** A request on `pool`; resolves with the response (the body acknowledged as it arrives). */
function fetch(pool: H1Pool, path: string, upload?: Upload): { done: Promise<Reply>; settled: () => boolean; request: UpstreamRequest } {
  let settled = false;
  let request = null as UpstreamRequest | null; // set synchronously by the executor below
  const done = new Promise<Reply>((resolve, reject) => {
    let status = 0;
    let body = '';
    const handler: UpstreamHandler = {
      onUpstreamInformational() {},
      onUpstreamResponse(s) {
        status = s;
      },
      onUpstreamData(chunk) {
        body += Buffer.from(chunk).toString();
        request!.bodyConsumed(chunk.length);
      },
      onUpstreamEnd() {
        settled = true;
        resolve({ status, body });
      },
      onUpstreamError(error) {
        settled = true;
        reject(new Error(error.message));
      },
      onUpstreamDrain() {
        upload?.onDrain();
      },
    };
    const headers: Array<[string, string]> = [['host', 'backend.test'], ...(upload?.headers ?? [])];
    request = pool.requestWith(headers, upload?.method ?? 'GET', path, upload === undefined, handler);
  });
  return { done, settled: () => settled, request: request! };
}

/** A backend that answers `/hold/...` only when released, anything else at once; counts its connections. */
async function holdingBackend() {
  const held: http.ServerResponse[] = [];
  const backend = await httpBackend((q, s) => {
    if (q.url!.startsWith('/hold/')) held.push(s);
    else s.end(`answer ${q.url}`);
  });
  let connections = 0;
  backend.server.on('connection', () => connections++);
  return { backend, held, connections: () => connections };
}

const target = (port: number) => ({ address: '127.0.0.1', port, tls: null, connectTimeoutMs: 2000 });

type Backend = Awaited<ReturnType<typeof holdingBackend>>;

/** Runs `body` on a pool (no idle timeout) in front of a fresh holding backend; both are closed afterwards. */
async function onPool(
  limits: { maxConnections: number; queueAfterConnections?: number },
  body: (pool: H1Pool, backend: Backend) => Promise<void>,
): Promise<void> {
  const b = await holdingBackend();
  const pool = new H1Pool({ target: target(b.backend.port), idleTimeoutMs: 0, ...limits });
  try {
    await body(pool, b);
  } finally {
    pool.destroy();
    await b.backend.close();
  }
}

test('beyond queueAfterConnections requests wait for a free connection, and every one completes on it', () =>
  onPool({ maxConnections: 0, queueAfterConnections: 2 }, async (pool, { connections }) => {
    const requests = Array.from({ length: 12 }, (_, i) => fetch(pool, `/r${i}`));
    // Decided synchronously: two connections opened, ten requests waiting.
    assert.is(pool.connectionCount, 2);
    const replies = await Promise.all(requests.map((r) => r.done));
    replies.forEach((r, i) => assert.equal(r, { status: 200, body: `answer /r${i}` }));
    assert.ok(connections() <= pool.connectionCount);
  }),
);

test('no connection came free (long requests hold them all): waiting requests get new connections', () =>
  onPool({ maxConnections: 0, queueAfterConnections: 1 }, async (pool, { held }) => {
    const long = fetch(pool, '/hold/1');
    const short = fetch(pool, '/quick');
    assert.is(pool.connectionCount, 1);
    // The long request never ends until released; the short one still completes, on a second connection.
    assert.equal(await short.done, { status: 200, body: 'answer /quick' });
    assert.is(long.settled(), false);
    assert.is(pool.connectionCount, 2);
    held[0]!.end('late');
    assert.equal(await long.done, { status: 200, body: 'late' });
  }),
);

test('an event loop held up past the check is no stall: the connection freed meanwhile takes the waiting request', () =>
  onPool({ maxConnections: 0, queueAfterConnections: 1 }, async (pool) => {
    const first = fetch(pool, '/one');
    const second = fetch(pool, '/two');
    // Block the loop (the in-process backend too) well past the check: when it runs, the answer to /one is still unread.
    const until = performance.now() + QUEUE_STALL_MS * 3;
    while (performance.now() < until);
    assert.equal(await first.done, { status: 200, body: 'answer /one' });
    assert.equal(await second.done, { status: 200, body: 'answer /two' });
    assert.is(pool.connectionCount, 1);
  }),
);

test('maxConnections stays a hard limit: a waiting request takes the first connection that comes free', () =>
  onPool({ maxConnections: 1, queueAfterConnections: 1 }, async (pool, { held }) => {
    const first = fetch(pool, '/hold/1');
    const second = fetch(pool, '/second');
    await sleep(QUEUE_STALL_MS * 3);
    assert.is(second.settled(), false);
    assert.is(pool.connectionCount, 1);
    held[0]!.end('first');
    assert.equal(await first.done, { status: 200, body: 'first' });
    assert.equal(await second.done, { status: 200, body: 'answer /second' });
    assert.is(pool.connectionCount, 1);
  }),
);

test('a request aborted while waiting is skipped: the freed connection takes the next one, the backend never sees it', () =>
  onPool({ maxConnections: 1, queueAfterConnections: 1 }, async (pool, { backend, held }) => {
    const seen: string[] = [];
    backend.server.on('request', (q: http.IncomingMessage) => seen.push(q.url!));
    const first = fetch(pool, '/hold/1');
    const aborted = fetch(pool, '/aborted');
    const third = fetch(pool, '/third');
    aborted.request.abort();
    while (held.length === 0) await sleep(5);
    held[0]!.end('first');
    assert.equal(await first.done, { status: 200, body: 'first' });
    assert.equal(await third.done, { status: 200, body: 'answer /third' });
    assert.equal(seen, ['/hold/1', '/third']);
    assert.is(pool.connectionCount, 1);
  }),
);

test('a request head is kept only until a connection wrote it (a pooled Buffer slice: not pinned for the exchange)', () =>
  onPool({ maxConnections: 1, queueAfterConnections: 1 }, async (pool, { held }) => {
    const headOf = (r: { request: UpstreamRequest }) => (r.request as unknown as { head: Uint8Array | null }).head;
    const first = fetch(pool, '/hold/1');
    const second = fetch(pool, '/second');
    assert.is(headOf(first), null, 'written on a connection at once');
    assert.is(Buffer.from(headOf(second)!).toString('latin1'), 'GET /second HTTP/1.1\r\nhost: backend.test\r\n\r\n');
    while (held.length === 0) await sleep(5);
    held[0]!.end('first');
    assert.equal(await first.done, { status: 200, body: 'first' });
    assert.equal(await second.done, { status: 200, body: 'answer /second' });
    assert.is(headOf(second), null, 'written once the freed connection took it');
  }),
);

test('queueAfterConnections: 0 opens a connection per request in flight (the pre-threshold behaviour)', () =>
  onPool({ maxConnections: 0, queueAfterConnections: 0 }, async (pool, { held }) => {
    const requests = Array.from({ length: DEFAULT_QUEUE_AFTER + 3 }, (_, i) => fetch(pool, `/hold/${i}`));
    assert.is(pool.connectionCount, DEFAULT_QUEUE_AFTER + 3);
    while (held.length < requests.length) await sleep(5);
    for (const s of held) s.end('x');
    for (const r of requests) assert.is((await r.done).body, 'x');
  }),
);

test('default threshold: DEFAULT_QUEUE_AFTER connections, then requests wait', () =>
  onPool({ maxConnections: 0 }, async (pool, { held }) => {
    const requests = Array.from({ length: DEFAULT_QUEUE_AFTER + 3 }, (_, i) => fetch(pool, `/hold/${i}`));
    assert.is(pool.connectionCount, DEFAULT_QUEUE_AFTER);
    // Held requests free nothing: after the stall the three waiting ones get connections of their own.
    while (held.length < requests.length) await sleep(5);
    assert.is(pool.connectionCount, DEFAULT_QUEUE_AFTER + 3);
    for (const s of held) s.end('y');
    for (const r of requests) assert.is((await r.done).body, 'y');
  }),
);

test('a waiting request with a body: write() asks the sender to wait past 64 KiB, and a drain follows once a connection took it', () =>
  onPool({ maxConnections: 1, queueAfterConnections: 1 }, async (pool, { backend, held }) => {
    backend.server.removeAllListeners('request');
    backend.server.on('request', (q: http.IncomingMessage, s: http.ServerResponse) => {
      if (q.url!.startsWith('/hold/')) return void held.push(s);
      let n = 0;
      q.on('data', (c: Buffer) => (n += c.length));
      q.on('end', () => s.end(`got ${n}`));
    });
    const first = fetch(pool, '/hold/1');
    let drains = 0;
    const upload = fetch(pool, '/upload', { method: 'POST', headers: [['content-length', String(5 * 16384)]], onDrain: () => drains++ });
    const piece = new Uint8Array(16384);
    const oks = [1, 2, 3, 4].map(() => upload.request.write(piece));
    assert.equal(oks, [true, true, true, false]);
    assert.is(drains, 0);
    while (held.length === 0) await sleep(5);
    held[0]!.end('first');
    await first.done;
    while (drains === 0) await sleep(5);
    upload.request.write(piece);
    upload.request.end(null);
    const reply = await upload.done;
    assert.is(reply.status, 200);
    assert.is(reply.body, `got ${5 * 16384}`);
  }),
);

test('config: clusters[].queueAfterConnections is read (absent = the default), negative is an error', () => {
  const doc = (extra: string) => `listeners:\n  - { name: l, port: 8080 }\nclusters:\n  - name: c\n    appProtocol: http\n    hosts: [{ address: 127.0.0.1, port: 9000 }]\n${extra}routes:\n  - { name: r, backends: [{ cluster: c }] }\n`;
  const load = (extra: string) => parseConfig(doc(extra), 'p.yaml');
  assert.is(load('    queueAfterConnections: 8\n').clusters.get('c')!.queueAfterConnections, 8);
  assert.is(load('').clusters.get('c')!.queueAfterConnections, undefined);
  assert.throws(() => load('    queueAfterConnections: -1\n'), /queueAfterConnections/);
});

test.run();
