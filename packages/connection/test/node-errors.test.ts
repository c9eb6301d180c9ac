// Peer errors and timeouts at the Node layer: the right GOAWAY, 'sessionError' where node emits it, and never a
// crash (no 'error' event is emitted on a client session or stream that has no listener for it).
import { once } from 'node:events';
import * as net from 'node:net';
import { CONNECTION_PREFACE, FrameDecoder, FrameType, FrameWriter, type Frame, type GoawayFrame } from '@strand/frame';
import { Encoder } from '@strand/hpack';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, listen, onClose, readAll } from './node-helpers.js';
import { errorCodeLabel, streamError } from '../src/node/errors.js';

const REQUEST: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':authority', 'localhost'],
  [':path', '/'],
];

/** Opens a raw TCP connection, writes what `script` puts in the writer, returns every frame until the server closes. */
async function rawExchange(port: number, script: (w: FrameWriter, hpack: Encoder) => void, preface = true): Promise<Frame[]> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const w = new FrameWriter();
  if (preface) socket.write(CONNECTION_PREFACE);
  w.settings([]);
  script(w, new Encoder());
  for (const chunk of w.flush()) socket.write(chunk);
  const bytes = await readAll(socket);
  const decoder = new FrameDecoder({ maxFrameSize: 16_777_215 });
  decoder.push(bytes);
  const frames: Frame[] = [];
  for (let f = decoder.next(); f !== null; f = decoder.next()) frames.push(f);
  return frames;
}

const goawayOf = (frames: Frame[]) => frames.find((f): f is GoawayFrame => f.type === FrameType.GOAWAY);

test('error code labels: node\'s NGHTTP2_ names for RFC 9113 §7 codes, the number for others', () => {
  assert.equal([0, 1, 8, 11, 13, 14, 0x1f].map(errorCodeLabel), [
    'NGHTTP2_NO_ERROR', 'NGHTTP2_PROTOCOL_ERROR', 'NGHTTP2_CANCEL', 'NGHTTP2_ENHANCE_YOUR_CALM', 'NGHTTP2_HTTP_1_1_REQUIRED', '14', '31',
  ]);
  assert.is(streamError(0x1f).message, 'Stream closed with error code 31');
});

test('a connection error from the peer: GOAWAY PROTOCOL_ERROR, sessionError once, the server keeps serving', async () => {
  const server = strand.createServer((_req, res) => res.end('ok'));
  const errors: Error[] = [];
  server.on('sessionError', (e: Error) => errors.push(e));
  const port = await listen(server);
  // DATA on stream 0 is a connection error (RFC 9113 §6.1).
  const frames = await rawExchange(port, (w) => w.data(0, new Uint8Array(4), false));
  const goaway = goawayOf(frames);
  assert.is(goaway?.errorCode, strand.constants.NGHTTP2_PROTOCOL_ERROR);
  assert.is(errors.length, 1);
  assert.is((errors[0] as Error & { code: string }).code, 'ERR_HTTP2_ERROR');
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const stream = client.request({ ':path': '/' });
  await once(stream, 'response');
  assert.is((await readAll(stream)).toString(), 'ok');
  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test('EnginePump: after a connection error it reads at most a little more, so a flooding peer is left unread', async () => {
  // The engine-level server (as conformance/engine-server.ts and the proxy run it): the pump ends the socket and lingers.
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => {
    accepted.push(s);
    new strand.EnginePump(s, new strand.H2Connection({ role: 'server' }), () => {});
  });
  const port = await listen(server);
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }); // keeps writing after the server's FIN
  await once(socket, 'connect');
  const w = new FrameWriter();
  socket.write(CONNECTION_PREFACE);
  w.settings([]);
  w.data(0, new Uint8Array(4), false); // connection error (RFC 9113 §6.1)
  for (const chunk of w.flush()) socket.write(chunk);
  const decoder = new FrameDecoder({ maxFrameSize: 16_777_215 });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  await new Promise<void>((resolve) => socket.on('end', resolve));
  const frames: Frame[] = [];
  for (let f = decoder.next(); f !== null; f = decoder.next()) frames.push(f);
  assert.is(goawayOf(frames)?.errorCode, strand.constants.NGHTTP2_PROTOCOL_ERROR);
  // 32 MiB more than loopback's socket buffers hold: it can only all leave if the server keeps reading.
  const drained = socket.write(new Uint8Array(32 * 1024 * 1024)) ? true : await Promise.race([
    once(socket, 'drain').then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
  ]);
  assert.is(drained, false, 'the server kept reading a finished connection');
  assert.ok(accepted[0]!.bytesRead < 1024 * 1024, `server read ${accepted[0]!.bytesRead} bytes`);
  // A paused socket does not notice the peer's reset (the pump's 5 s linger timer would end it): end both here.
  socket.destroy();
  accepted[0]!.destroy();
  await closeServer(server);
});

test('a stalled header block (HEADERS without END_HEADERS) → GOAWAY ENHANCE_YOUR_CALM after headerBlockTimeout', async () => {
  const server = strand.createServer({ headerBlockTimeout: 30 }, (_req, res) => res.end());
  server.on('sessionError', () => {});
  const port = await listen(server);
  const frames = await rawExchange(port, (w, hpack) => {
    const block = hpack.encode(REQUEST);
    w.write({ type: FrameType.HEADERS, streamId: 1, flags: 0, fragment: block, endStream: true, endHeaders: false });
  });
  assert.is(goawayOf(frames)?.errorCode, strand.constants.NGHTTP2_ENHANCE_YOUR_CALM);
  await closeServer(server);
});

test('no preface: allowHTTP1 false → GOAWAY PROTOCOL_ERROR after prefaceTimeout; sniffing → socket closed', async () => {
  const strict = strand.createServer({ allowHTTP1: false, prefaceTimeout: 30 });
  strict.on('sessionError', () => {});
  const port = await listen(strict);
  const silent = net.connect(port, '127.0.0.1');
  const frames = await readAll(silent);
  const decoder = new FrameDecoder();
  decoder.push(frames);
  const all: Frame[] = [];
  for (let f = decoder.next(); f !== null; f = decoder.next()) all.push(f);
  assert.is(goawayOf(all)?.errorCode, strand.constants.NGHTTP2_PROTOCOL_ERROR);
  await closeServer(strict);

  const sniffing = strand.createServer({ prefaceTimeout: 30 });
  const port2 = await listen(sniffing);
  const quiet = net.connect(port2, '127.0.0.1');
  quiet.on('error', () => {});
  assert.is((await readAll(quiet)).length, 0);
  await closeServer(sniffing);
});

test('idleTimeout: a session without streams gets GOAWAY NO_ERROR and closes', async () => {
  const server = strand.createServer({ idleTimeout: 40 }, (_req, res) => res.end('x'));
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const stream = client.request({ ':path': '/' });
  await once(stream, 'response');
  await readAll(stream);
  const [code] = (await once(client, 'goaway')) as [number];
  assert.is(code, strand.constants.NGHTTP2_NO_ERROR);
  await once(client, 'close');
  await closeServer(server);
});

test('server.setTimeout: a listener gets timeout(session); without one the session is destroyed', async () => {
  const server = strand.createServer((_req, res) => res.end());
  server.setTimeout(30);
  const port = await listen(server);
  const timedOut = once(server, 'timeout');
  const first = strand.connect(`http://127.0.0.1:${port}`);
  const [session] = (await timedOut) as [strand.ServerHttp2Session];
  assert.ok(session instanceof strand.ServerHttp2Session);
  session.destroy();
  await onClose(first);
  server.removeAllListeners('timeout');
  const client = strand.connect(`http://127.0.0.1:${port}`);
  await onClose(client);
  await closeServer(server);
});

test('a client whose server answers garbage: no crash without an error listener, error with one', async () => {
  const garbage = net.createServer((socket) => socket.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  const port = await listen(garbage);
  const quiet = strand.connect(`http://127.0.0.1:${port}`);
  await onClose(quiet);
  const loud = strand.connect(`http://127.0.0.1:${port}`);
  const [error] = (await once(loud, 'error')) as [Error & { code: string }];
  assert.is(error.code, 'ERR_HTTP2_ERROR');
  await closeServer(garbage);
});

test('a stream reset with an error code and no error listener: close with rstCode, no crash', async () => {
  const server = strand.createServer();
  server.on('stream', (stream: strand.ServerHttp2Stream) => stream.close(strand.constants.NGHTTP2_REFUSED_STREAM));
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const stream = client.request({ ':path': '/' });
  await onClose(stream);
  assert.is(stream.rstCode, strand.constants.NGHTTP2_REFUSED_STREAM);
  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test('connection refused: the client session closes; error only with a listener', async () => {
  const probe = net.createServer();
  const port = await listen(probe);
  await closeServer(probe);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const [error] = (await once(client, 'error')) as [Error & { code: string }];
  assert.is(error.code, 'ECONNREFUSED');
  const quiet = strand.connect(`http://127.0.0.1:${port}`);
  await onClose(quiet);
});

test.run();
