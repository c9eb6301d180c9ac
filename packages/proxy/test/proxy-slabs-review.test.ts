// Review of reused upstream read slabs (upstream/slabs.ts): what a slab's holder list keeps alive while the slab is
// being filled.
import { EnginePump, H2Connection, type H2Event } from '@strand/connection';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy } from '../src/proxy.js';
import { Slab, upstreamSlabs } from '../src/upstream/slabs.js';
import { cluster, config, h1Request, h2Backend, h2Request, httpBackend, listener, route, sleep, standInRouter } from './proxy-fixtures.js';
import { writeInPieces } from './slab-bodies.js';

/** Body `seed` of `size` bytes: every byte depends on its offset and the seed. */
function body(seed: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 151 + i * 13 + (i >>> 9)) & 0xff;
  return b;
}

/** Answers GET /SEED/SIZE with body(SEED, SIZE), 64 KiB per write as the stream takes it. */
function bodyBackend() {
  return h2Backend((stream, headers) => {
    stream.on('error', () => undefined);
    const [, seed, size] = String(headers[':path']).split('/');
    const b = body(Number(seed), Number(size));
    stream.respond({ ':status': 200 });
    writeInPieces(stream, b);
  });
}

/** The same bodies from an HTTP/1.1 backend (Content-Length), 64 KiB per write as the socket takes them. */
function bodyHttpBackend() {
  return httpBackend((req, res) => {
    const [, seed, size] = String(req.url).split('/');
    const b = body(Number(seed), Number(size));
    res.writeHead(200, { 'content-length': String(b.length) });
    writeInPieces(res, b);
  });
}

/**
 * GET over `socket` with windows so large that only the socket limits the proxy; the client stops reading its socket
 * for `pauseMs` after the first DATA (0: never), so what the proxy wrote waits in its socket (libuv's pending writes).
 */
function get(socket: net.Socket, path: string, pauseMs: number): Promise<Buffer> {
  const conn = new H2Connection({ role: 'client', settings: { initialWindowSize: 2 ** 31 - 1 }, connectionWindow: 2 ** 31 - 1 });
  const chunks: Uint8Array[] = [];
  let stall = pauseMs > 0;
  return new Promise((resolve, reject) => {
    const onEvent = (e: H2Event): void => {
      switch (e.type) {
        case 'data':
          chunks.push(e.data.slice());
          if (stall) {
            stall = false;
            socket.pause();
            setTimeout(() => socket.resume(), pauseMs);
          }
          return;
        case 'streamClosed':
          socket.destroy();
          return resolve(Buffer.concat(chunks));
        case 'streamReset':
        case 'connectionError':
          return reject(new Error(e.type));
      }
    };
    const pump = new EnginePump(socket, conn, (events: H2Event[]) => events.forEach(onEvent));
    socket.on('error', reject);
    conn.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'localhost'], [':path', path]], { endStream: true });
    pump.schedule();
  });
}

/** GET over HTTP/1.1 on a fresh connection; the client stops reading for `pauseMs` after the first bytes (0: never). */
function h1Get(port: number, path: string, pauseMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let stall = pauseMs > 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        if (!stall) return;
        stall = false;
        res.pause();
        setTimeout(() => res.resume(), pauseMs);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * Two clients stop reading while six others keep the slabs turning; every body must arrive as the backend sent it.
 * `fetch` GETs a path over a fresh client connection, not reading for `pauseMs` after the first bytes; the six busy
 * ones are cleartext HTTP/2 clients (they let go of a slab as soon as their writes completed, so slabs are reused).
 */
async function stalledAndBusy(port: number, fetch: (path: string, pauseMs: number) => Promise<Buffer>, seed: number): Promise<void> {
  const reusedBefore = upstreamSlabs.reused;
  const BIG = 24_000_000; // more than loopback's socket buffers take
  const stalled = [fetch(`/${seed}/${BIG}`, 600), fetch(`/${seed + 1}/${BIG}`, 700)];
  await sleep(150);
  const SIZE = 2_500_000;
  const seeds = [2, 3, 4, 5, 6, 7].map((i) => seed + i);
  const got = await Promise.all(seeds.map((s) => get(net.connect(port, '127.0.0.1'), `/${s}/${SIZE}`, 0)));
  for (let i = 0; i < seeds.length; i++) assert.ok(got[i]!.equals(body(seeds[i]!, SIZE)), `body ${seeds[i]}`);
  const slow = await Promise.all(stalled);
  assert.ok(slow[0]!.equals(body(seed, BIG)), 'the first client that stopped reading');
  assert.ok(slow[1]!.equals(body(seed + 1, BIG)), 'the second client that stopped reading');
  // Reuse must have happened meanwhile (how many slabs depends on timing).
  assert.ok(upstreamSlabs.reused - reusedBefore >= 3, `slabs reused: ${upstreamSlabs.reused - reusedBefore}`);
}

/** The proxy in front of bodyBackend() (or bodyHttpBackend(), whose large bodies are read into slabs too), for `run`. */
async function withProxy(run: (port: number) => Promise<void>, backendKind: 'h2c' | 'http' = 'h2c'): Promise<void> {
  const backend = backendKind === 'h2c' ? await bodyBackend() : await bodyHttpBackend();
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', backendKind, [backend.port])]), { router: standInRouter });
  try {
    await run(proxy.ports.get('p')!);
  } finally {
    await proxy.shutdown(50);
    await backend.close();
  }
}

test('closed client connections do not stay registered on the slab being filled (small responses, one per connection)', async () => {
  const backend = await h2Backend((stream) => {
    stream.on('error', () => undefined);
    stream.respond({ ':status': 200 });
    stream.end('x'.repeat(200));
  });
  // Every slab the proxy's new upstream connection takes (the pool is the process's).
  const taken: Slab[] = [];
  const take = upstreamSlabs.take;
  upstreamSlabs.take = function (this: typeof upstreamSlabs): Slab {
    const slab = take.call(this);
    taken.push(slab);
    return slab;
  };
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
  const port = proxy.ports.get('p')!;
  const N = 150;
  try {
    for (let i = 0; i < N; i++) {
      const h1 = await h1Request(port, { path: `/a/${i}`, headers: { connection: 'close' } });
      assert.is(h1.body.length, 200);
      const session = http2.connect(`http://127.0.0.1:${port}`);
      const h2 = await h2Request(session, { ':path': `/b/${i}` });
      assert.is(h2.body.length, 200);
      await new Promise<void>((resolve) => session.close(resolve));
    }
    await sleep(50);
    // 300 connections came and went, each given views of the same slab (300 small responses are far from 1 MiB).
    const registered = taken.reduce((n, s) => n + s.holders.length, 0);
    assert.ok(registered < N, `holders still registered for closed connections: ${registered}`);
  } finally {
    upstreamSlabs.take = take;
    await proxy.shutdown(50);
    await backend.close();
  }
});

test('Slab.hold: past 64 holders the gone ones are dropped; live ones and those that cannot tell stay, in order', () => {
  const slab = new Slab(16);
  const live = { holdsSlabBytes: () => true, gone: () => false };
  const unknown = { holdsSlabBytes: () => true };
  let goneAsked = 0;
  const gone = { holdsSlabBytes: () => false, gone: () => (goneAsked++, true) };
  slab.hold(live);
  slab.hold(unknown);
  for (let i = 0; i < 61; i++) slab.hold(gone);
  assert.is(slab.holders.length, 63, 'below the mark nothing is asked');
  assert.is(goneAsked, 0);
  slab.hold(gone);
  assert.equal(slab.holders, [live, unknown]);
  for (let i = 0; i < 61; i++) slab.hold(gone);
  assert.is(slab.holders.length, 63, 'the next pruning comes after as many registrations again');
});

test('cleartext clients that stop reading: views in libuv pending writes keep their slab until the writes completed', () =>
  withProxy((port) => stalledAndBusy(port, (path, pauseMs) => get(net.connect(port, '127.0.0.1'), path, pauseMs), 70)));

test('HTTP/1.1 clients that stop reading: views node:http has not written keep their slab', () =>
  withProxy((port) => stalledAndBusy(port, (path, pauseMs) => h1Get(port, path, pauseMs), 90)));

test('HTTP/1.1 backend, cleartext clients that stop reading: large bodies read into slabs keep them until written', () =>
  withProxy((port) => stalledAndBusy(port, (path, pauseMs) => get(net.connect(port, '127.0.0.1'), path, pauseMs), 110), 'http'));

test('HTTP/1.1 backend, HTTP/1.1 clients that stop reading: views node:http has not written keep their slab', () =>
  withProxy((port) => stalledAndBusy(port, (path, pauseMs) => h1Get(port, path, pauseMs), 130), 'http'));

test.run();
