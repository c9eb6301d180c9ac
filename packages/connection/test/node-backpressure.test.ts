// Backpressure end to end: a paused reader makes the sender wait (flow control), so buffered bytes stay bounded,
// and write() returns false with 'drain' following once the peer reads.
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, delay, listen, pattern, readAll } from './node-helpers.js';

const WINDOW = 256 * 1024; // stream window both sides advertise in these tests

/** A server advertising WINDOW whose 'stream' listener does not read, and a client POST to it. */
async function uploadToIdleServer() {
  const server = strand.createServer({ settings: { initialWindowSize: WINDOW } });
  const arrived = new Promise<strand.ServerHttp2Stream>((resolve) => server.on('stream', resolve));
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const upload = client.request({ ':path': '/', ':method': 'POST' });
  return { server, client, upload, arrived };
}

test('a server that does not read: the upload stops at the stream window, then completes when read', async () => {
  const { server, client, upload, arrived } = await uploadToIdleServer();
  const body = pattern(8 * 1024 * 1024);
  const state = { written: 0, waiting: false };
  // Write like pipe() does: wait for 'drain' whenever write() says stop.
  void (async () => {
    for (let offset = 0; offset < body.length; offset += 64 * 1024) {
      state.written = offset;
      if (!upload.write(body.subarray(offset, offset + 64 * 1024))) {
        state.waiting = true;
        await once(upload, 'drain');
        state.waiting = false;
      }
    }
    upload.end();
  })();
  const serverStream = await arrived;
  // The server never reads: wait until a whole window arrived, then make sure nothing more does.
  while (serverStream.readableLength < WINDOW) await delay(5);
  await delay(50);
  assert.is(serverStream.readableLength, WINDOW, 'exactly one stream window is buffered');
  assert.ok(state.waiting, 'the client waits for drain');
  assert.ok(state.written < 1024 * 1024, `the client stopped early (${state.written} bytes handed over)`);
  // Now read everything: the client drains and the whole body arrives.
  const received = readAll(serverStream);
  const all = await received;
  assert.is(all.length, body.length);
  assert.ok(all.equals(body));
  serverStream.respond({ ':status': 204 }, { endStream: true });
  await once(upload, 'response');
  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test('read(n) for more than the buffered window reopens the window (the peer is not left stalled)', async () => {
  const { server, client, upload, arrived } = await uploadToIdleServer();
  const body = pattern(WINDOW * 2);
  upload.end(body);
  const serverStream = await arrived;
  while (serverStream.readableLength < WINDOW) await delay(5);
  // One window is buffered and unacknowledged: read(n) beyond it can only be answered if we give the window back.
  const want = WINDOW + 4096;
  const first = await new Promise<Buffer>((resolve, reject) => {
    const stalled = setTimeout(() => reject(new Error(`read(${want}) stalled with ${serverStream.readableLength} bytes buffered`)), 3000);
    const attempt = () => {
      const chunk = serverStream.read(want) as Buffer | null;
      if (chunk === null) return;
      clearTimeout(stalled);
      serverStream.off('readable', attempt);
      resolve(chunk);
    };
    serverStream.on('readable', attempt);
    attempt();
  });
  assert.is(first.length, want);
  assert.ok(first.equals(body.subarray(0, want)));
  const rest = await readAll(serverStream);
  assert.ok(rest.equals(body.subarray(want)));
  serverStream.respond({ ':status': 204 }, { endStream: true });
  await once(upload, 'response');
  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test('a client that does not read: server write() returns false, the queue stays bounded, drain follows', async () => {
  const server = strand.createServer();
  const body = pattern(6 * 1024 * 1024);
  const state = { written: 0, waiting: false, stream: null as strand.ServerHttp2Stream | null };
  server.on('stream', async (stream: strand.ServerHttp2Stream) => {
    state.stream = stream;
    stream.respond({ ':status': 200 });
    for (let offset = 0; offset < body.length; offset += 64 * 1024) {
      state.written = offset;
      if (!stream.write(body.subarray(offset, offset + 64 * 1024))) {
        state.waiting = true;
        await once(stream, 'drain');
        state.waiting = false;
      }
    }
    stream.end();
  });
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`, { settings: { initialWindowSize: WINDOW } });
  const download = client.request({ ':path': '/' });
  await once(download, 'response');
  download.pause();
  // The client holds at most its window plus its read buffer; the server must stop and wait.
  while (download.readableLength < WINDOW) await delay(5);
  await delay(50);
  assert.is(download.readableLength, WINDOW, 'the client got exactly one window');
  assert.ok(state.waiting, 'the server waits for drain');
  const buffered = state.stream!.bufferSize;
  assert.ok(buffered <= 64 * 1024 + 64 * 1024 + 16 * 1024, `server buffers ${buffered} bytes for the stream`);
  assert.ok(state.written < 1024 * 1024, `the server stopped early (${state.written} bytes handed over)`);
  const all = await readAll(download);
  assert.ok(all.equals(body));
  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test('the compat request body is flow-controlled by req reads (a paused req holds one window)', async () => {
  let request!: IncomingMessage;
  let arrivedResolve!: () => void;
  const arrived = new Promise<void>((resolve) => (arrivedResolve = resolve));
  const server = strand.createServer({ settings: { initialWindowSize: WINDOW } }, (req, res) => {
    request = req;
    req.pause();
    req.on('end', () => res.end('done'));
    arrivedResolve();
  });
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const upload = client.request({ ':path': '/', ':method': 'POST' });
  const body = pattern(2 * 1024 * 1024);
  upload.end(body);
  await arrived;
  while (request.readableLength < WINDOW) await delay(5);
  await delay(50);
  assert.is(request.readableLength, WINDOW);
  const all = await readAll(request);
  assert.ok(all.equals(body));
  await once(upload, 'response');
  assert.is((await readAll(upload)).toString(), 'done');
  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test.run();
