// Operations: hot reload during a load run (zero failed requests, connections kept), graceful shutdown (GOAWAY,
// Connection: close, in-flight requests complete), and backpressure both ways (a slow reader does not make the proxy
// buffer without bound: the sender is held back by flow control).
import { EnginePump, H2Connection, type H2Event } from '@strand/connection';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy } from '../src/proxy.js';
import { cluster, config, h2Request, httpBackend, listen, listener, route, sleep, standInRouter } from './proxy-fixtures.js';

function named(name: string, delayMs = 0): http.RequestListener {
  return (req, res) => {
    req.resume();
    req.on('end', () => {
      const send = () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(name);
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  };
}

test('hot reload during a load run: zero failed requests, the client connections survive, traffic moves', async () => {
  const a = await httpBackend(named('a'));
  const b = await httpBackend(named('b'));
  const cfgA = config([listener('plain')], [route('r', 'c', '/')], [cluster('c', 'http', [a.port])]);
  const cfgB = config([listener('plain')], [route('r', 'c2', '/')], [cluster('c2', 'http', [b.port])]);
  const proxy = await startProxy(cfgA, { router: standInRouter });
  const port = proxy.ports.get('plain')!;
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const seen = { a: 0, b: 0 };
  let failures = 0;
  let running = true;
  const h2Loop = async () => {
    while (running) {
      try {
        const res = await h2Request(session, { ':path': '/' });
        if (Number(res.headers[':status']) !== 200) failures++;
        else seen[res.body.toString() as 'a' | 'b']++;
      } catch {
        failures++;
      }
    }
  };
  const h1Loop = async () => {
    while (running) {
      const body = await new Promise<string>((resolve) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let s = '';
          res.on('data', (c) => (s += c));
          res.on('end', () => resolve(res.statusCode === 200 ? s : 'fail'));
        }).on('error', () => resolve('fail'));
      });
      if (body === 'fail') failures++;
      else seen[body as 'a' | 'b']++;
    }
  };
  const loops = [...Array.from({ length: 8 }, h2Loop), ...Array.from({ length: 4 }, h1Loop)];
  for (let i = 0; i < 6; i++) {
    await sleep(40);
    await proxy.reload(i % 2 === 0 ? cfgB : cfgA);
  }
  await sleep(40);
  running = false;
  await Promise.all(loops);
  assert.is(failures, 0);
  assert.ok(seen.a > 0 && seen.b > 0, JSON.stringify(seen));
  assert.is(session.closed || session.destroyed, false);
  session.close();
  agent.destroy();
  await proxy.shutdown(100);
  await a.close();
  await b.close();
});

test('graceful shutdown: in-flight HTTP/2 and HTTP/1.1 requests complete; GOAWAY and Connection: close are sent', async () => {
  const slow = await httpBackend(named('slow', 150));
  const proxy = await startProxy(config([listener('plain')], [route('r', 'c', '/')], [cluster('c', 'http', [slow.port])]), { router: standInRouter });
  const port = proxy.ports.get('plain')!;
  const session = http2.connect(`http://127.0.0.1:${port}`);
  let goaway = false;
  session.on('goaway', () => (goaway = true));
  session.on('error', () => undefined);
  const h2 = h2Request(session, { ':path': '/' });
  const h1 = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true });
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: s }));
    }).on('error', reject);
  });
  await sleep(50);
  const t0 = Date.now();
  const done = proxy.shutdown(2000);
  const [r2, r1] = await Promise.all([h2, h1]);
  await done;
  assert.is(r2.headers[':status'], 200);
  assert.is(r2.body.toString(), 'slow');
  assert.is(r1.status, 200);
  assert.is(r1.body, 'slow');
  assert.is(r1.connection, 'close');
  assert.ok(goaway);
  assert.ok(Date.now() - t0 < 1500, 'shutdown waited for the deadline instead of the drain');
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
  assert.ok(refused, 'the listener still accepts after shutdown');
  session.destroy();
  await slow.close();
});

/** An engine-based h2c backend that streams `total` bytes on every request, counting what it queued. */
async function countingH2Backend(total: number) {
  const state = { queued: 0 };
  const server = net.createServer((socket) => {
    const conn = new H2Connection({ role: 'server' });
    let left = new Map<number, number>();
    const chunk = new Uint8Array(16384);
    const send = (id: number) => {
      let rest = left.get(id) ?? 0;
      try {
        while (rest > 0) {
          const n = Math.min(chunk.length, rest);
          rest -= n;
          state.queued += n;
          if (!conn.submitData(id, chunk.subarray(0, n), rest === 0)) break;
        }
      } catch {
        rest = 0;
      }
      left.set(id, rest);
    };
    const pump: EnginePump = new EnginePump(socket, conn, (events: H2Event[]) => {
      for (const e of events) {
        if (e.type === 'headers' && e.kind === 'request') {
          conn.respond(e.streamId, [[':status', '200']]);
          left.set(e.streamId, total);
          send(e.streamId);
        } else if (e.type === 'drain') send(e.streamId);
      }
      pump.schedule();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (left = new Map()));
  });
  const c = await listen(server);
  return { ...c, state };
}

/** A client that opens one stream and never reads the response (manual flow control, no consume). */
async function stalledClient(port: number, path: string, window: number) {
  const conn = new H2Connection({ role: 'client', manualFlowControl: true, settings: { initialWindowSize: window } });
  const socket = net.connect(port, '127.0.0.1');
  const got = { bytes: 0, status: '' };
  const pump: EnginePump = new EnginePump(socket, conn, (events: H2Event[]) => {
    for (const e of events) {
      if (e.type === 'data') got.bytes += e.data.length;
      if (e.type === 'headers') got.status = e.headers[0]![1];
    }
    pump.schedule();
  });
  conn.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'a'], [':path', path]], { endStream: true });
  pump.schedule();
  return { got, close: () => socket.destroy() };
}

async function settle(read: () => number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    await sleep(40);
    const now = read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

test('backpressure, response direction: a client that never reads holds an h2c backend to about one window', async () => {
  const total = 64 * 1024 * 1024;
  const backend = await countingH2Backend(total);
  const proxy = await startProxy(config([listener('plain')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter, streamWindow: 256 * 1024 });
  const client = await stalledClient(proxy.ports.get('plain')!, '/big', 65535);
  const queued = await settle(() => backend.state.queued);
  assert.is(client.got.status, '200');
  assert.is(client.got.bytes, 65535);
  // What the client took (its 64 KiB window) + the proxy's queue toward it (64 KiB) + the proxy's stream window
  // toward the backend (256 KiB) + the backend's own queue (64 KiB + a chunk): nothing near the 64 MiB response.
  assert.ok(queued <= 64 * 1024 + 64 * 1024 + 256 * 1024 + 80 * 1024, `backend queued ${queued} bytes`);
  client.close();
  await proxy.shutdown(50);
  await backend.close();
});

test('backpressure, response direction: a client that never reads holds an HTTP/1.1 backend (socket buffers only)', async () => {
  let written = 0;
  const backend = await httpBackend((_req, res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(64 * 1024);
    const more = () => {
      while (written < 256 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) return;
      }
      res.end();
    };
    res.on('drain', more);
    more();
  });
  const proxy = await startProxy(config([listener('plain')], [route('r', 'c', '/')], [cluster('c', 'http', [backend.port])]), { router: standInRouter });
  const client = await stalledClient(proxy.ports.get('plain')!, '/big', 65535);
  const total = await settle(() => written);
  assert.is(client.got.bytes, 65535);
  // Loopback socket buffers can hold a few MiB; the proxy holds at most one paused chunk plus its 64 KiB queue.
  assert.ok(total < 32 * 1024 * 1024, `backend wrote ${total} bytes`);
  client.close();
  await proxy.shutdown(50);
  await backend.close();
});

test('backpressure, request direction: a backend that does not read holds the client to its windows', async () => {
  // h2c backend that never consumes request DATA (manual flow control): it grants 64 KiB and no more.
  const server = net.createServer((socket) => {
    const conn = new H2Connection({ role: 'server', manualFlowControl: true, settings: { initialWindowSize: 65535 } });
    const pump: EnginePump = new EnginePump(socket, conn, () => pump.schedule());
    socket.on('error', () => undefined);
  });
  const backend = await listen(server);
  const proxy = await startProxy(config([listener('plain')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter, streamWindow: 128 * 1024 });
  const conn = new H2Connection({ role: 'client' });
  const socket = net.connect(proxy.ports.get('plain')!, '127.0.0.1');
  let sent = 0;
  const chunk = new Uint8Array(16384);
  let id = 0;
  const push = () => {
    while (sent < 64 * 1024 * 1024) {
      sent += chunk.length;
      if (!conn.submitData(id, chunk)) return;
    }
  };
  const pump: EnginePump = new EnginePump(socket, conn, (events) => {
    for (const e of events) if (e.type === 'drain') push();
    pump.schedule();
  });
  id = conn.request([[':method', 'POST'], [':scheme', 'http'], [':authority', 'a'], [':path', '/up']]);
  push();
  pump.schedule();
  const total = await settle(() => sent);
  // Client: its own 64 KiB queue + the proxy's stream window (128 KiB) + the proxy's 64 KiB queue toward the backend
  // + the backend's 64 KiB window.
  assert.ok(total <= 64 * 1024 + 128 * 1024 + 64 * 1024 + 64 * 1024 + 32 * 1024, `client got to send ${total} bytes`);
  socket.destroy();
  await proxy.shutdown(50);
  await backend.close();
});

test.run();
