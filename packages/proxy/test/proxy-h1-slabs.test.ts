// Large bodies from HTTP/1.1 backends: past LARGE_BODY_BYTES a cleartext connection reads into reused slabs and
// passes views on (upstream/connect.ts, a switchable SlabReader). Every byte must arrive as the backend sent it while
// slabs are reused under streams served one after another, a slow reader, a reset, chunked bodies and an HTTP/1.1
// client; small responses never take a slab.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy } from '../src/proxy.js';
import { MAX_SWITCHED_SLABS, SlabReader } from '../src/upstream/connect.js';
import type { UpstreamHandler, UpstreamRequest } from '../src/upstream/exchange.js';
import { H1Pool } from '../src/upstream/h1-pool.js';
import { upstreamSlabs } from '../src/upstream/slabs.js';
import { cluster, config, httpBackend, listener, route, standInRouter } from './proxy-fixtures.js';
import { bodiesStayExact, firstDifference, getPath, pattern, writeInPieces } from './slab-bodies.js';

/** GET /length/SEED/SIZE (Content-Length) or /chunked/SEED/SIZE: the pattern, 64 KiB per write as the socket takes. */
function patternHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const [, kind, seed, size] = String(req.url).split('/');
  const body = pattern(Number(seed), Number(size));
  res.writeHead(200, kind === 'chunked' ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
  writeInPieces(res, body);
}

function slabsTaken(): number {
  return upstreamSlabs.allocated + upstreamSlabs.reused;
}

test('large HTTP/1.1 bodies stay byte-exact through read slabs (in turn, slow reader, reset, chunked, HTTP/1.1 client)', async () => {
  const backend = await httpBackend(patternHandler);
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [backend.port])]), { router: standInRouter });
  const takenBefore = slabsTaken();
  try {
    // Content-Length and chunked bodies by turns.
    await bodiesStayExact(proxy.ports.get('p')!, (seed, size) => `/${seed % 2 === 0 ? 'chunked' : 'length'}/${seed}/${size}`);
    assert.ok(slabsTaken() - takenBefore >= 10, `slabs taken: ${slabsTaken() - takenBefore}`);
  } finally {
    await proxy.shutdown(50);
    await backend.close();
  }
});

test('small HTTP/1.1 responses, and a large one up to LARGE_BODY_BYTES, take no slab', async () => {
  const backend = await httpBackend(patternHandler);
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [backend.port])]), { router: standInRouter });
  const port = proxy.ports.get('p')!;
  try {
    const a = http2.connect(`http://127.0.0.1:${port}`);
    await getPath(a, '/length/1/100'); // the connection is up
    const before = slabsTaken();
    const small = await Promise.all(Array.from({ length: 40 }, (_, i) => getPath(a, `/${i % 2 === 0 ? 'length' : 'chunked'}/${i}/${1000 + i}`)));
    for (let i = 0; i < small.length; i++) assert.is(firstDifference(small[i]!, i, 1000 + i), -1, `small body ${i}`);
    assert.is(firstDifference(await getPath(a, '/length/9/60000'), 9, 60_000), -1);
    assert.is(slabsTaken() - before, 0, 'no slab for bodies below the threshold');
    a.close();
  } finally {
    await proxy.shutdown(50);
    await backend.close();
  }
});

test('connections paused for stalled clients hold at most MAX_SWITCHED_SLABS slabs; past that, bodies are copied', async () => {
  const backend = await httpBackend(patternHandler);
  const pool = new H1Pool({ target: { address: '127.0.0.1', port: backend.port, tls: null, connectTimeoutMs: 5000 }, maxConnections: 0, idleTimeoutMs: 10_000, queueAfterConnections: 0 });
  const N = MAX_SWITCHED_SLABS + 8;
  const SIZE = 2_000_000;
  const done: Array<Promise<Buffer>> = [];
  const stalled: Array<() => void> = [];
  try {
    for (let i = 0; i < N; i++) {
      let req: UpstreamRequest | null = null;
      const chunks: Uint8Array[] = [];
      let got = 0;
      let unacked = 0;
      done.push(
        new Promise<Buffer>((resolve, reject) => {
          const handler: UpstreamHandler = {
            onUpstreamInformational: () => undefined,
            onUpstreamResponse: () => undefined,
            onUpstreamData: (c) => {
              chunks.push(new Uint8Array(c)); // a copy: this handler keeps nothing of the slab
              got += c.length;
              if (got < 300_000) queueMicrotask(() => req!.bodyConsumed(c.length));
              else unacked += c.length; // the client stops reading: the connection pauses
            },
            onUpstreamEnd: () => resolve(Buffer.concat(chunks)),
            onUpstreamError: (e) => reject(new Error(e.message)),
            onUpstreamDrain: () => undefined,
          };
          req = pool.requestWith([['host', 'backend']], 'GET', `/length/${200 + i}/${SIZE}`, true, handler);
          stalled.push(() => {
            const n = unacked;
            unacked = 0;
            req!.bodyConsumed(n);
          });
        }),
      );
    }
    // Wait until every connection is paused (nothing more arrives), then count.
    for (let last = -1, now = upstreamSlabs.allocated + upstreamSlabs.reused; ; now = upstreamSlabs.allocated + upstreamSlabs.reused) {
      await new Promise((r) => setTimeout(r, 150));
      if (now === last) break;
      last = now;
    }
    assert.is(SlabReader.switchedHeld, MAX_SWITCHED_SLABS, 'the cap is reached and not passed');
    // The clients read again: every body arrives whole, by slab or by copy.
    const resume = setInterval(() => stalled.forEach((go) => go()), 5);
    const bodies = await Promise.all(done);
    clearInterval(resume);
    for (let i = 0; i < N; i++) assert.is(firstDifference(bodies[i]!, 200 + i, SIZE), -1, `body ${200 + i}`);
    assert.is(SlabReader.switchedHeld, 0, 'every slab given back once the bodies ended');
  } finally {
    pool.destroy();
    await backend.close();
  }
});

test.run();
