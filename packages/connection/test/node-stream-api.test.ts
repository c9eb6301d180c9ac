// ServerHttp2Stream / session API details: misuse errors with node's codes, files, priority, push disabled.
import { once } from 'node:events';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, codeOf, delay, listen, onClose, readAll } from './node-helpers.js';

type StreamHandler = (stream: strand.ServerHttp2Stream, headers: strand.IncomingHttpHeaders) => void;

const t = suite<{ server: strand.Http2Server; client: strand.ClientHttp2Session; handler: StreamHandler; dir: string }>('stream api');

t.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'strand-files-'));
  ctx.server = strand.createServer();
  ctx.server.on('stream', (stream: strand.ServerHttp2Stream, headers: strand.IncomingHttpHeaders) => ctx.handler(stream, headers));
  const port = await listen(ctx.server);
  ctx.client = strand.connect(`http://127.0.0.1:${port}`);
});

t.after(async (ctx) => {
  ctx.client.destroy();
  await closeServer(ctx.server);
  rmSync(ctx.dir, { recursive: true, force: true });
});

async function get(client: strand.ClientHttp2Session, path = '/') {
  const stream = client.request({ ':path': path });
  const [headers] = (await once(stream, 'response')) as [strand.IncomingHttpHeaders];
  return { headers, body: await readAll(stream) };
}

t('respond() misuse: invalid, informational and 101 statuses; headers twice; 1xx after respond; push', async (ctx) => {
  const codes: string[] = [];
  ctx.handler = (stream) => {
    codes.push(codeOf(() => stream.respond({ ':status': 99 })));
    codes.push(codeOf(() => stream.respond({ ':status': 103 })));
    codes.push(codeOf(() => stream.respond({ ':status': 101 })));
    codes.push(codeOf(() => stream.additionalHeaders({ ':status': 200 })));
    codes.push(codeOf(() => stream.pushStream()));
    assert.is(stream.pushAllowed, false);
    stream.respond({ ':status': 200 }, { endStream: true });
    codes.push(codeOf(() => stream.respond()));
    codes.push(codeOf(() => stream.additionalHeaders({ ':status': 103 })));
    assert.is(stream.headersSent, true);
  };
  const { headers } = await get(ctx.client);
  assert.is(headers[':status'], 200);
  assert.equal(codes, [
    'ERR_HTTP2_STATUS_INVALID',
    'ERR_HTTP2_INFO_STATUS_NOT_ALLOWED',
    'ERR_HTTP2_STATUS_101',
    'ERR_HTTP2_INVALID_INFO_STATUS',
    'ERR_HTTP2_PUSH_DISABLED',
    'ERR_HTTP2_HEADERS_SENT',
    'ERR_HTTP2_HEADERS_AFTER_RESPOND',
  ]);
});

t('write() before respond() sends an implicit 200; sendTrailers before wantTrailers throws', async (ctx) => {
  let early = '';
  ctx.handler = (stream) => {
    early = codeOf(() => stream.sendTrailers({ a: '1' }));
    stream.end('implicit');
  };
  const { headers, body } = await get(ctx.client);
  assert.is(headers[':status'], 200);
  assert.is(body.toString(), 'implicit');
  assert.is(early, 'ERR_HTTP2_TRAILERS_NOT_READY');
});

t('respondWithFile and respondWithFD: content-length from the file, offset/length, statCheck, errors', async (ctx) => {
  const file = join(ctx.dir, 'a.txt');
  writeFileSync(file, '0123456789');
  ctx.handler = (stream, headers) => {
    const path = String(headers[':path']);
    if (path === '/file') stream.respondWithFile(file, { 'content-type': 'text/plain' });
    else if (path === '/range') stream.respondWithFile(file, {}, { offset: 2, length: 3 });
    else if (path === '/check') {
      stream.respondWithFile(file, {}, {
        statCheck: (stats, h) => {
          h['x-size'] = stats.size;
        },
      });
    } else if (path === '/fd') {
      const fd = openSync(file, 'r');
      stream.on('close', () => closeSync(fd));
      stream.respondWithFD(fd, {}, { offset: 5 });
    } else if (path === '/missing') {
      stream.respondWithFile(join(ctx.dir, 'nope'), {}, { onError: () => stream.respond({ ':status': 404 }, { endStream: true }) });
    } else if (path === '/dir') {
      stream.respondWithFile(ctx.dir, {}, { onError: (e) => stream.respond({ ':status': 500, 'x-code': (e as Error & { code: string }).code }, { endStream: true }) });
    }
  };
  const whole = await get(ctx.client, '/file');
  assert.is(whole.headers['content-length'], '10');
  assert.is(whole.headers['content-type'], 'text/plain');
  assert.is(whole.body.toString(), '0123456789');
  assert.is((await get(ctx.client, '/range')).body.toString(), '234');
  assert.is((await get(ctx.client, '/check')).headers['x-size'], '10');
  assert.is((await get(ctx.client, '/fd')).body.toString(), '56789');
  assert.is((await get(ctx.client, '/missing')).headers[':status'], 404);
  const dir = await get(ctx.client, '/dir');
  assert.is(dir.headers['x-code'], 'ERR_HTTP2_SEND_FILE');
});

t('priority(), state and bufferSize on a live stream; stream close(code) validation', async (ctx) => {
  let state: ReturnType<strand.ServerHttp2Stream['state']['valueOf']> | undefined;
  ctx.handler = (stream) => {
    stream.priority({ weight: 42, parent: 0, exclusive: false, silent: true });
    state = stream.state;
    assert.is(codeOf(() => stream.close(-1)), 'ERR_OUT_OF_RANGE');
    stream.respond({ ':status': 200 });
    stream.end();
  };
  const client = ctx.client;
  const req = client.request({ ':path': '/' });
  req.priority({ weight: 200 });
  await once(req, 'response');
  await readAll(req);
  assert.equal(state, { localWindowSize: (state as { localWindowSize: number }).localWindowSize, state: 6, localClose: 0, remoteClose: 1, weight: 42, sumDependencyWeight: 0 });
  assert.is(req.bufferSize, 0);
});

t('a response closed at the HTTP/2 level with its body still buffered: closed waits for the reader; for await, finished() and pipeline() see no premature close', async (ctx) => {
  const body = 'x'.repeat(40_000); // several DATA frames
  ctx.handler = (stream) => {
    stream.respond({ ':status': 200 });
    stream.end(body);
  };
  // The whole exchange is done before anyone reads: the streams are closed (state 7) with the body buffered.
  const fullyArrived = async () => {
    const req = ctx.client.request({ ':path': '/' });
    await once(req, 'response');
    while (req.state.state !== 7) await delay(2);
    assert.is(req.readableLength, body.length);
    assert.is(req.closed, false, 'closed while the reader still holds the body');
    assert.is(req.destroyed, false);
    return req;
  };
  const iterated = await fullyArrived();
  let text = '';
  for await (const chunk of iterated) text += chunk;
  assert.is(text, body);
  const finishedOne = await fullyArrived();
  const done = finished(finishedOne); // before the body is read
  assert.is((await readAll(finishedOne)).toString(), body);
  await done;
  const piped = await fullyArrived();
  const parts: Buffer[] = [];
  await pipeline(piped, new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  }));
  assert.is(Buffer.concat(parts).toString(), body);
  if (!piped.destroyed) await onClose(piped);
  assert.is(piped.closed, true);
  assert.is(piped.rstCode, strand.constants.NGHTTP2_NO_ERROR);
});

t('session API: state, settings validation, setLocalWindowSize range, ping length, ref/unref, altsvc/origin unsupported', async (ctx) => {
  const client = ctx.client;
  assert.is(client.type, strand.constants.NGHTTP2_SESSION_CLIENT);
  assert.is(client.state.activeStreams, 0);
  assert.is(codeOf(() => client.settings({ maxFrameSize: 1 })), 'ERR_HTTP2_INVALID_SETTING_VALUE');
  assert.is(codeOf(() => client.setLocalWindowSize(-1)), 'ERR_OUT_OF_RANGE');
  client.setLocalWindowSize(1 << 20);
  assert.is(codeOf(() => client.ping(Buffer.alloc(3))), 'ERR_HTTP2_PING_LENGTH');
  client.unref();
  client.ref();
  const sessions: strand.ServerHttp2Session[] = [];
  ctx.server.on('session', (s: strand.ServerHttp2Session) => sessions.push(s));
  const other = strand.connect(`http://127.0.0.1:${(ctx.server.address() as { port: number }).port}`);
  await once(other, 'connect');
  await once(other, 'remoteSettings');
  assert.is(sessions[0]!.type, strand.constants.NGHTTP2_SESSION_SERVER);
  assert.is(sessions[0]!.pushAllowed, false);
  assert.is(codeOf(() => sessions[0]!.altsvc()), 'ERR_HTTP2_ALTSVC_UNSUPPORTED');
  assert.is(codeOf(() => sessions[0]!.origin()), 'ERR_HTTP2_ORIGIN_UNSUPPORTED');
  other.destroy();
  await once(other, 'close');
  assert.is(codeOf(() => other.request({})), 'ERR_HTTP2_INVALID_SESSION');
  assert.is(codeOf(() => other.ping()), 'ERR_HTTP2_INVALID_SESSION');
});

t('session.goaway(code) from the server ends the client session with that code', async (ctx) => {
  const sessions: strand.ServerHttp2Session[] = [];
  ctx.server.on('session', (s: strand.ServerHttp2Session) => sessions.push(s));
  const other = strand.connect(`http://127.0.0.1:${(ctx.server.address() as { port: number }).port}`);
  await once(other, 'remoteSettings');
  const goaway = once(other, 'goaway');
  other.on('error', () => {});
  sessions[sessions.length - 1]!.goaway(strand.constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from('bye'));
  const [code, , data] = (await goaway) as [number, number, Buffer];
  assert.is(code, strand.constants.NGHTTP2_ENHANCE_YOUR_CALM);
  assert.is(data.toString(), 'bye');
  await once(other, 'close');
});

t.run();
