// EnginePump's shared flush queue: the pumps that asked for a flush in one tick are flushed from one microtask, so an
// application listener that throws while one connection flushes must not leave the others unflushed.
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EnginePump, H2Connection, type H2Event } from '../src/index.js';
import { closeServer, listen } from './node-helpers.js';

interface Served {
  conn: H2Connection;
  pump: EnginePump;
  stream: number;
}

test('a listener that throws during one connection flush: the other connection of the batch is still flushed', async () => {
  const served: Served[] = [];
  const thrown: string[] = [];
  const onUncaught = (error: Error) => thrown.push(error.message);
  process.on('uncaughtException', onUncaught);
  let bothAsked: () => void = () => {};
  const asked = new Promise<void>((resolve) => (bothAsked = resolve));
  const server = net.createServer((socket) => {
    const entry = { conn: new H2Connection({ role: 'server' }), stream: 0 } as Served;
    const first = served.length === 0;
    served.push(entry);
    entry.pump = new EnginePump(socket, entry.conn, (events: H2Event[]) => {
      for (const e of events) {
        if (e.type === 'headers') entry.stream = e.streamId;
        if (first && e.type === 'streamClosed') throw new Error('listener of connection A throws');
      }
      if (served.length === 2 && served.every((s) => s.stream !== 0)) bothAsked();
    });
  });
  const port = await listen(server);
  const clients = [http2.connect(`http://127.0.0.1:${port}`), http2.connect(`http://127.0.0.1:${port}`)];
  const statuses = clients.map(
    (client) =>
      new Promise<number>((resolve, reject) => {
        const req = client.request({ ':path': '/' });
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('error', reject);
        req.end();
      }),
  );
  try {
    await asked;
    // One tick: A's response, then B's — both in the same flush batch; A's flush delivers the throwing event.
    for (const s of served) {
      s.conn.respond(s.stream, [[':status', '200']], true);
      s.pump.schedule();
    }
    assert.equal(await within(Promise.all(statuses), 2000), [200, 200]);
    assert.equal(thrown, ['listener of connection A throws']);
  } finally {
    process.off('uncaughtException', onUncaught);
    for (const client of clients) client.destroy();
    for (const s of served) s.pump.socket.destroy();
    await closeServer(server);
  }
});

/**
 * A one-connection server whose events go to `onEvents` (which throws), with the uncaught errors it raised collected
 * in `thrown`; close() puts the process's handler back and ends everything.
 */
async function throwingServer(onEvents: (conn: H2Connection, pump: EnginePump, events: H2Event[]) => void) {
  const thrown: string[] = [];
  const onUncaught = (error: Error) => thrown.push(error.message);
  process.on('uncaughtException', onUncaught);
  let pump = null as EnginePump | null;
  const server = net.createServer((socket) => {
    const conn = new H2Connection({ role: 'server' });
    pump = new EnginePump(socket, conn, (events: H2Event[]) => onEvents(conn, pump!, events));
  });
  const port = await listen(server);
  return {
    port,
    thrown,
    async close(): Promise<void> {
      process.off('uncaughtException', onUncaught);
      pump?.socket.destroy();
      await closeServer(server);
    },
  };
}

/** `promise`, or 'timeout' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

test('a listener that answers and then throws while a read is delivered: the answer still goes out', async () => {
  // During a read's events the pump queues no flush microtask (the read's own flush follows); when a listener throws,
  // that flush never runs, so the pump must queue one then.
  const served = await throwingServer((conn, pump, events) => {
    for (const e of events) {
      if (e.type !== 'headers') continue;
      conn.respond(e.streamId, [[':status', '204']], true);
      pump.schedule();
      throw new Error('listener throws after answering');
    }
  });
  // A client that writes once (preface, SETTINGS, the request) and never again, not even its SETTINGS ACK: no later
  // read can flush the answer for the pump.
  const client = new H2Connection({ role: 'client' });
  client.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'a'], [':path', '/']], { endStream: true });
  const socket = net.connect(served.port, '127.0.0.1');
  const status = new Promise<number>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      for (const e of client.receive(chunk)) if (e.type === 'headers') resolve(Number(e.headers.find((f) => f[0] === ':status')![1]));
    });
  });
  socket.on('error', () => {});
  for (const chunk of client.pull()) socket.write(chunk);
  try {
    // Promptly: the engine's next deadline (idle compaction) would also flush it, but only a second later.
    assert.is(await within(status, 600), 204);
    assert.equal(served.thrown, ['listener throws after answering']);
  } finally {
    socket.destroy();
    await served.close();
  }
});

test('a listener that throws without asking for a flush: what the engine answered to the read still goes out', async () => {
  // The read's own flush carries the engine's answers (here a PING ACK); a listener that throws skips it, so the pump
  // must queue a flush whether or not the listener called schedule() first.
  const served = await throwingServer((_conn, _pump, events) => {
    for (const e of events) if (e.type === 'ping') throw new Error('listener throws at a PING');
  });
  const client = new H2Connection({ role: 'client' });
  const socket = net.connect(served.port, '127.0.0.1');
  socket.on('error', () => {});
  let settled: () => void = () => {};
  const serverSettings = new Promise<void>((resolve) => (settled = resolve));
  let acked: (rtt: string) => void = () => {};
  const pingAck = new Promise<string>((resolve) => (acked = resolve));
  socket.on('data', (chunk: Buffer) => {
    for (const e of client.receive(chunk)) {
      if (e.type === 'remoteSettings') settled();
      if (e.type === 'pingAck') acked('pingAck');
    }
    for (const out of client.pull()) socket.write(out);
  });
  for (const chunk of client.pull()) socket.write(chunk);
  try {
    await serverSettings;
    await new Promise((r) => setTimeout(r, 20)); // our SETTINGS ACK is read and flushed on its own
    client.ping();
    for (const chunk of client.pull()) socket.write(chunk);
    // Promptly: only the engine's next deadline (idle compaction, a second later) would flush it otherwise.
    assert.is(await within(pingAck, 600), 'pingAck');
    assert.equal(served.thrown, ['listener throws at a PING']);
  } finally {
    socket.destroy();
    await served.close();
  }
});

test('a flush that already ran makes the queued one a no-op', async () => {
  let pulls = 0;
  let entry = null as Served | null; // assigned in the connection listener (not narrowed to null)
  let ready: () => void = () => {};
  const haveStream = new Promise<void>((resolve) => (ready = resolve));
  const server = net.createServer((socket) => {
    const conn = new H2Connection({ role: 'server' });
    const pull = conn.pull.bind(conn);
    conn.pull = () => {
      pulls++;
      return pull();
    };
    entry = { conn, stream: 0 } as Served;
    const e = entry;
    e.pump = new EnginePump(socket, conn, (events: H2Event[]) => {
      for (const ev of events) if (ev.type === 'headers') e.stream = ev.streamId;
      if (e.stream !== 0) ready();
    });
  });
  const port = await listen(server);
  const client = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const req = client.request({ ':path': '/' });
    const status = new Promise<number>((resolve) => req.on('response', (h) => resolve(Number(h[':status']))));
    req.end();
    await haveStream;
    await new Promise((r) => setImmediate(r));
    const s = entry!;
    s.conn.respond(s.stream, [[':status', '200']], true);
    s.pump.schedule(); // queued for the microtask …
    pulls = 0;
    s.pump.flush(); // … but this flush writes the response now
    const byFlush = pulls;
    await Promise.resolve(); // the queued flush microtask ran before this continuation (FIFO), no I/O in between
    assert.ok(byFlush >= 1);
    assert.is(pulls, byFlush, 'the queued flush did not pull again');
    assert.is(await status, 200);
  } finally {
    client.destroy();
    entry?.pump.socket.destroy();
    await closeServer(server);
  }
});

test.run();
