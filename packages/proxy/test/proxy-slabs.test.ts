// Reused upstream read slabs (upstream/slabs.ts) through the whole proxy: every byte of every response arrives as the
// backend sent it while slabs are reused under clients served one stream after another, a slow reader, a reset and an
// HTTP/1.1 client; plus the pool's and the reader's own rules.
import { EnginePump, H2Connection, type H2Event } from '@strand/connection';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy } from '../src/proxy.js';
import { ResponseViews } from '../src/server/h1-session.js';
import { SessionViews } from '../src/server/h2-session.js';
import { SlabReader } from '../src/upstream/connect.js';
import { Slab, SlabPool, upstreamSlabs, type SlabHolder } from '../src/upstream/slabs.js';
import { cluster, config, h2Backend, listener, route, sleep, standInRouter } from './proxy-fixtures.js';
import { bodiesStayExact, firstDifference, getPath, pattern, writeInPieces } from './slab-bodies.js';

/** Backend: GET /body/SEED/SIZE answers SIZE pattern bytes, written 64 KiB at a time as the stream takes them. */
async function patternBackend() {
  return h2Backend((stream, headers) => {
    stream.on('error', () => undefined);
    const [, , seed, size] = String(headers[':path']).split('/');
    const body = pattern(Number(seed), Number(size));
    stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
    writeInPieces(stream, body);
  });
}

function get(session: http2.ClientHttp2Session, seed: number, size: number): Promise<Buffer> {
  return getPath(session, `/body/${seed}/${size}`);
}

test('responses stay byte-exact while upstream slabs are reused (streams served in turn, a slow reader, a reset, HTTP/1.1)', async () => {
  const backend = await patternBackend();
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
  try {
    await bodiesStayExact(proxy.ports.get('p')!, (seed, size) => `/body/${seed}/${size}`);
  } finally {
    await proxy.shutdown(50);
    await backend.close();
  }
});

/**
 * A client that does not read its socket for `pauseMs` after the response starts, with windows so large that the
 * proxy's only limit is the socket: what the proxy wrote waits in its socket's buffer, views of slabs included.
 */
function stalledSocketGet(port: number, path: string, pauseMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const conn = new H2Connection({ role: 'client', settings: { initialWindowSize: 2 ** 31 - 1 }, connectionWindow: 2 ** 31 - 1 });
    const chunks: Uint8Array[] = [];
    let stalled = false;
    const pump = new EnginePump(socket, conn, (events: H2Event[]) => {
      for (const e of events) {
        if (e.type === 'data') chunks.push(e.data.slice());
        if (e.type === 'data' && !stalled) {
          stalled = true;
          socket.pause();
          setTimeout(() => socket.resume(), pauseMs);
        }
        if (e.type === 'streamClosed') {
          socket.destroy();
          resolve(Buffer.concat(chunks));
        }
        if (e.type === 'streamReset' || e.type === 'connectionError') reject(new Error(e.type));
      }
    });
    socket.on('error', reject);
    conn.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'proxy'], [':path', path]], { endStream: true });
    pump.schedule();
  });
}

test('bytes waiting in a client socket keep their slab: a client that stops reading gets them intact', async () => {
  const backend = await patternBackend();
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
  const port = proxy.ports.get('p')!;
  const reusedBefore = upstreamSlabs.reused;
  const BIG = 24_000_000; // more than loopback's socket buffers take: the rest waits in the proxy
  try {
    const stalled = stalledSocketGet(port, `/body/40/${BIG}`, 400);
    await sleep(100);
    // Meanwhile another client keeps the slabs turning.
    const other = http2.connect(`http://127.0.0.1:${port}`);
    const bodies = await Promise.all([41, 42, 43, 44].map((seed) => get(other, seed, 3_000_000)));
    for (let i = 0; i < 4; i++) assert.is(firstDifference(bodies[i]!, 41 + i, 3_000_000), -1, `body ${41 + i}`);
    assert.is(firstDifference(await stalled, 40, BIG), -1, 'the client that stopped reading');
    assert.ok(upstreamSlabs.reused - reusedBefore >= 3, `slabs reused: ${upstreamSlabs.reused - reusedBefore}`);
    other.close();
  } finally {
    await proxy.shutdown(50);
    await backend.close();
  }
});

test('SessionViews: queued views are copied once, then the slab is held until the socket completed what it had been handed', () => {
  const socket = { destroyed: false, bytesWritten: 1000, writableLength: 300 };
  const copied: ArrayBufferLike[] = [];
  const conn = { copyQueuedViews: (b: ArrayBufferLike) => (copied.push(b), 0) };
  const slab = new ArrayBuffer(16);
  const views = new SessionViews({ socket, conn });
  // 700 of the 1 000 bytes handed so far have been written: the other 300 may be views of the slab.
  assert.is(views.holdsSlabBytes(slab), true);
  assert.equal(copied, [slab], 'what was still queued is copied, on the first question only');
  socket.bytesWritten = 1500; // more handed since: not this slab's (it is retired), but counted in the socket
  socket.writableLength = 600; // 900 completed: still short of the 1 000 handed when asked first
  assert.is(views.holdsSlabBytes(slab), true);
  socket.writableLength = 400; // 1 100 completed
  assert.is(views.holdsSlabBytes(slab), false);
  assert.is(copied.length, 1);
});

test('SessionViews: an idle socket holds nothing once the queued views are copied; a destroyed one holds nothing at all', () => {
  const socket = { destroyed: false, bytesWritten: 50, writableLength: 0 };
  const copied: ArrayBufferLike[] = [];
  const conn = { copyQueuedViews: (b: ArrayBufferLike) => (copied.push(b), 0) };
  const slab = new ArrayBuffer(1);
  assert.is(new SessionViews({ socket, conn }).holdsSlabBytes(slab), false);
  assert.equal(copied, [slab]);
  socket.writableLength = 20;
  socket.destroyed = true;
  assert.is(new SessionViews({ socket, conn }).holdsSlabBytes(slab), false);
  assert.is(copied.length, 1, 'a destroyed socket never reads its queue: nothing to copy');
});

test('ResponseViews: held while node:http keeps bytes back or has no socket, then until the socket completed what it had been handed', () => {
  const socket = { destroyed: false, bytesWritten: 1000, writableLength: 0 };
  const res = { destroyed: false, writableFinished: false, writableLength: 200, socket: null as typeof socket | null };
  const views = new ResponseViews(res);
  assert.is(views.holdsSlabBytes(), true, 'no socket yet');
  res.socket = socket;
  assert.is(views.holdsSlabBytes(), true, 'the socket is idle, but node:http still keeps 200 bytes back');
  socket.bytesWritten = 1200; // node:http handed them over; none written yet
  socket.writableLength = 200;
  assert.is(views.holdsSlabBytes(), true, '1 000 of the 1 200 handed are written');
  socket.bytesWritten = 1500; // more handed since (later slabs' views), 300 pending: 1 200 completed, the mark reached
  socket.writableLength = 300;
  res.writableLength = 300;
  assert.is(views.holdsSlabBytes(), false);
});

test('ResponseViews: an idle socket, a finished or destroyed response hold nothing', () => {
  const socket = { destroyed: false, bytesWritten: 10, writableLength: 0 };
  assert.is(new ResponseViews({ destroyed: false, writableFinished: false, writableLength: 0, socket }).holdsSlabBytes(), false);
  const busy = { destroyed: false, bytesWritten: 10, writableLength: 5 };
  assert.is(new ResponseViews({ destroyed: false, writableFinished: true, writableLength: 5, socket: busy }).holdsSlabBytes(), false);
  assert.is(new ResponseViews({ destroyed: true, writableFinished: false, writableLength: 5, socket: busy }).holdsSlabBytes(), false);
  assert.is(new ResponseViews({ destroyed: false, writableFinished: false, writableLength: 5, socket: { ...busy, destroyed: true } }).holdsSlabBytes(), false);
  assert.is(new ResponseViews({ destroyed: false, writableFinished: false, writableLength: 5, socket: busy }).holdsSlabBytes(), true);
});

/** A holder answering what `holds` says, recording the buffers it was asked about. */
function holder(holds: () => boolean): SlabHolder & { asked: ArrayBufferLike[] } {
  const asked: ArrayBufferLike[] = [];
  return { asked, holdsSlabBytes: (b: ArrayBufferLike) => (asked.push(b), holds()) };
}

test('SlabPool: a retired slab is reused once every holder let go; each holder is asked with the slab and dropped once done', () => {
  const pool = new SlabPool(1024, 8);
  const s1 = pool.take();
  assert.is(pool.allocated, 1);
  let busy = true;
  const h = holder(() => busy);
  const done = holder(() => false);
  s1.holders.push(h, done);
  pool.retire(s1, holder(() => false));
  // Holders are asked last registered first: the reader's hold (done), then `done`, then `h`, still holding.
  const s2 = pool.take();
  assert.is.not(s2, s1);
  assert.is(pool.allocated, 2);
  assert.equal(h.asked, [s1.bytes.buffer]);
  assert.is(s1.holders.length, 1, 'the holders that let go are dropped; the one still holding stays');
  busy = false;
  const fill = s1.fill;
  pool.retire(s2, holder(() => false));
  const s3 = pool.take();
  assert.is(s3, s1, 'the oldest free slab comes back');
  assert.is(pool.reused, 1);
  assert.is.not(s3.fill, fill, 'a new fill number: holders register again');
  assert.is(s3.holders.length, 0);
  assert.is(done.asked.length, 1, 'a holder that let go is not asked again');
});

test('SlabPool: every retired slab is looked at, the oldest free one is taken; beyond maxRetired the oldest is left to the GC', () => {
  const pool = new SlabPool(1024, 6);
  const slabs: Slab[] = [];
  for (let i = 0; i < 8; i++) slabs.push(pool.take());
  for (let i = 0; i < 8; i++) pool.retire(slabs[i]!, holder(() => i !== 6 && i !== 7));
  assert.is(pool.retiredCount, 6, 'slabs 0 and 1 were dropped');
  // Retired now: 2..7, of which 2..5 hold (a client that stopped reading): 6 and 7 behind them are free.
  assert.is(pool.take(), slabs[6]);
  assert.is(pool.take(), slabs[7]);
  const before = pool.allocated;
  pool.take();
  assert.is(pool.allocated, before + 1, 'none free: a new slab');
});

test('SlabReader: reads fill one slab, the pool knows the slab while a read is delivered, and the reader holds a retired slab until its bytes are parsed', () => {
  const pool = new SlabPool(200 * 1024, 8);
  let retained = 0;
  const seen: Array<Slab | null> = [];
  const opts = new SlabReader(() => seen.push(pool.reading), { retained: () => retained, pool }).opts as { buffer: () => Uint8Array; callback: (n: number, b: Uint8Array) => boolean };
  const read = (n: number): Uint8Array => {
    const b = opts.buffer();
    opts.callback(n, b);
    return b;
  };
  assert.is(read(102_400).length, 204_800, 'a fresh slab offers all of it');
  assert.is(pool.reading, null, 'outside a read the pool knows no slab');
  assert.is(read(40_000).length, 102_400, 'the rest of the same slab');
  assert.ok(seen[0] !== null && seen[0] === seen[1]);
  const a = seen[0]!;
  // 62 400 bytes left, under the 64 KiB a read is offered: the next read retires the slab and takes another. The
  // engine still has the last 5 000 bytes read to parse, 4 000 of them read since.
  retained = 5000;
  read(4000);
  assert.is.not(seen[2], a);
  assert.is(pool.allocated, 2);
  pool.take();
  assert.is(pool.allocated, 3, 'the retired slab is held: 5 000 retained bytes reach back into it');
  retained = 4000;
  assert.is(pool.take(), a, 'all retained bytes were read after it: reused');
});

test.run();
