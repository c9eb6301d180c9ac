// strand client ↔ strand server over loopback: the node:http2-shaped API end to end.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import http2, {
  constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from '../src/index.js';
import { closeServer, listen, pattern, readAll } from './node-helpers.js';

interface Reply {
  headers: IncomingHttpHeaders;
  flags: number;
  raw: string[];
  body: Buffer;
  trailers: IncomingHttpHeaders | undefined;
  informational: IncomingHttpHeaders[];
  stream: ClientHttp2Stream;
}

/** One request on `client`; resolves with everything the response carried. */
export function exchange(client: ClientHttp2Session, headers: OutgoingHttpHeaders, body?: Buffer, options = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const stream = client.request(headers, { ...(body !== undefined && { endStream: false }), ...options });
    const informational: IncomingHttpHeaders[] = [];
    let trailers: IncomingHttpHeaders | undefined;
    stream.on('headers', (h: IncomingHttpHeaders) => informational.push(h));
    stream.on('trailers', (h: IncomingHttpHeaders) => (trailers = h));
    stream.on('error', reject);
    stream.once('response', (h: IncomingHttpHeaders, flags: number, raw: string[]) => {
      readAll(stream).then((b) => resolve({ headers: h, flags, raw, body: b, trailers, informational, stream }), reject);
    });
    if (body !== undefined) stream.end(body);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function route(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  const path = String(headers[':path']);
  switch (path) {
    case '/hello':
      stream.respond({ ':status': 200, 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
      stream.end('hello');
      return;
    case '/echo':
      stream.respond({ ':status': 200 });
      stream.pipe(stream);
      return;
    case '/big':
      stream.respond({ ':status': 200, 'content-length': 5 * 1024 * 1024 });
      stream.end(pattern(5 * 1024 * 1024));
      return;
    case '/trailers':
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-checksum': 'abc', 'x-count': 2 }));
      stream.end('body');
      return;
    case '/read-trailers':
      stream.on('trailers', (t: IncomingHttpHeaders) => {
        stream.respond({ ':status': 200 });
        stream.end(`${String(t['x-sum'])}`);
      });
      stream.resume();
      return;
    case '/early':
      stream.additionalHeaders({ ':status': 103, link: '</style.css>; rel=preload; as=style' });
      stream.respond({ ':status': 200 });
      stream.end('after hints');
      return;
    case '/reset':
      stream.close(constants.NGHTTP2_ENHANCE_YOUR_CALM);
      return;
    case '/hang':
      stream.respond({ ':status': 200 });
      stream.write('partial');
      return;
    case '/slow-end':
      stream.respond({ ':status': 200 });
      stream.write('one ');
      setTimeout(() => stream.end('two'), 30);
      return;
    case '/utf8':
      stream.respond({ ':status': 200, 'x-name': String(headers['x-name']) });
      stream.end();
      return;
    default:
      stream.respond({ ':status': 404 }, { endStream: true });
  }
}

const t = suite<{ server: Http2Server; port: number; client: ClientHttp2Session; serverStreams: ServerHttp2Stream[] }>('node exchange');

t.before(async (ctx) => {
  ctx.serverStreams = [];
  ctx.server = http2.createServer();
  ctx.server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    ctx.serverStreams.push(stream);
    route(stream, headers);
  });
  ctx.port = await listen(ctx.server);
  ctx.client = http2.connect(`http://127.0.0.1:${ctx.port}`);
  await once(ctx.client, 'connect');
});

t.after(async (ctx) => {
  ctx.client.destroy();
  await closeServer(ctx.server);
});

t('GET: status, headers as node shapes them, body, END_HEADERS flag', async ({ client }) => {
  const r = await exchange(client, { ':path': '/hello' });
  assert.is(r.headers[':status'], 200);
  assert.is(r.headers['content-type'], 'text/plain');
  assert.equal(r.headers['set-cookie'], ['a=1', 'b=2']);
  assert.ok(typeof r.headers.date === 'string' && r.headers.date.endsWith('GMT'), 'date added by respond()');
  assert.is(Object.getPrototypeOf(r.headers), null);
  assert.equal(r.raw.slice(0, 4), [':status', '200', 'content-type', 'text/plain']);
  assert.is(r.flags & constants.NGHTTP2_FLAG_END_HEADERS, constants.NGHTTP2_FLAG_END_HEADERS);
  assert.is(r.body.toString(), 'hello');
  assert.is(r.stream.rstCode, constants.NGHTTP2_NO_ERROR);
});

t('POST 5 MiB up and the same 5 MiB echoed back (flow control both ways)', async ({ client }) => {
  const body = pattern(5 * 1024 * 1024);
  const r = await exchange(client, { ':path': '/echo', ':method': 'POST' }, body);
  assert.is(r.body.length, body.length);
  assert.is(sha(r.body), sha(body));
});

t('GET 5 MiB with content-length', async ({ client }) => {
  const r = await exchange(client, { ':path': '/big' });
  assert.is(r.headers['content-length'], String(5 * 1024 * 1024));
  assert.is(sha(r.body), sha(pattern(5 * 1024 * 1024)));
});

t('server trailers after waitForTrailers → wantTrailers → sendTrailers', async ({ client }) => {
  const r = await exchange(client, { ':path': '/trailers' });
  assert.is(r.body.toString(), 'body');
  assert.is(r.trailers?.['x-checksum'], 'abc');
  assert.is(r.trailers?.['x-count'], '2');
});

t('client trailers with waitForTrailers reach the server', async ({ client }) => {
  const stream = client.request({ ':path': '/read-trailers', ':method': 'POST' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'x-sum': '42' }));
  stream.end('payload');
  const [headers] = (await once(stream, 'response')) as [IncomingHttpHeaders];
  assert.is(headers[':status'], 200);
  assert.is((await readAll(stream)).toString(), '42');
});

t('103 Early Hints via additionalHeaders arrive as a headers event before the response', async ({ client }) => {
  const r = await exchange(client, { ':path': '/early' });
  assert.is(r.informational.length, 1);
  assert.is(r.informational[0]![':status'], 103);
  assert.is(r.informational[0]!.link, '</style.css>; rel=preload; as=style');
  assert.is(r.headers[':status'], 200);
  assert.is(r.body.toString(), 'after hints');
});

t('250 concurrent streams on one session (server allows 100 at a time)', async ({ client }) => {
  const replies = await Promise.all(Array.from({ length: 250 }, () => exchange(client, { ':path': '/hello' })));
  assert.ok(replies.every((r) => r.headers[':status'] === 200 && r.body.toString() === 'hello'));
  const ids = new Set(replies.map((r) => r.stream.id));
  assert.is(ids.size, 250);
});

t('server close(code) → the client stream closes with that rstCode and ERR_HTTP2_STREAM_ERROR', async ({ client }) => {
  const stream = client.request({ ':path': '/reset' });
  const closed = new Promise((resolve) => stream.on('close', resolve));
  const [error] = (await once(stream, 'error')) as [Error & { code: string }];
  assert.is(error.code, 'ERR_HTTP2_STREAM_ERROR');
  assert.is(error.message, 'Stream closed with error code NGHTTP2_ENHANCE_YOUR_CALM');
  await closed;
  assert.is(stream.rstCode, constants.NGHTTP2_ENHANCE_YOUR_CALM);
});

t('client close(NGHTTP2_CANCEL) → the server stream is aborted with rstCode 8, no error', async (ctx) => {
  const stream = ctx.client.request({ ':path': '/hang' });
  await once(stream, 'response');
  const server = ctx.serverStreams[ctx.serverStreams.length - 1]!;
  const aborted = once(server, 'aborted');
  const closed = once(server, 'close');
  stream.close(constants.NGHTTP2_CANCEL);
  await aborted;
  await closed;
  assert.is(server.rstCode, constants.NGHTTP2_CANCEL);
  assert.is(stream.rstCode, constants.NGHTTP2_CANCEL);
});

t('AbortSignal cancels a request with RST_STREAM CANCEL', async (ctx) => {
  const controller = new AbortController();
  const stream = ctx.client.request({ ':path': '/hang' }, { signal: controller.signal });
  stream.on('error', () => {});
  await once(stream, 'response');
  const server = ctx.serverStreams[ctx.serverStreams.length - 1]!;
  controller.abort();
  await once(server, 'close');
  assert.is(server.rstCode, constants.NGHTTP2_CANCEL);
});

t('UTF-8 header values survive the round trip', async ({ client }) => {
  const r = await exchange(client, { ':path': '/utf8', 'x-name': 'Zoë – 東京' });
  assert.is(r.headers['x-name'], 'Zoë – 東京');
});

t('connection-specific request headers throw like node:http2', ({ client }) => {
  try {
    client.request({ ':path': '/', connection: 'keep-alive' });
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code: string }).code, 'ERR_HTTP2_INVALID_CONNECTION_HEADERS');
  }
});

t('ping with a payload: callback gets (null, duration, payload)', async ({ client }) => {
  const payload = Buffer.from('12345678');
  const [error, duration, echoed] = await new Promise<[Error | null, number, Buffer]>((resolve) =>
    client.ping(payload, (...args) => resolve(args)),
  );
  assert.is(error, null);
  assert.ok(duration >= 0);
  assert.equal(echoed, payload);
});

t('settings(): the callback fires on ACK and the server sees remoteSettings', async (ctx) => {
  const sessions: ServerHttp2Session[] = [];
  ctx.server.on('session', (s: ServerHttp2Session) => sessions.push(s));
  const client = http2.connect(`http://127.0.0.1:${ctx.port}`);
  await once(client, 'connect');
  await exchange(client, { ':path': '/hello' });
  const remote = once(sessions[0]!, 'remoteSettings');
  const acked = new Promise<number>((resolve) => client.settings({ maxConcurrentStreams: 7 }, (_e, s) => resolve(s.maxConcurrentStreams!)));
  assert.is(await acked, 7);
  const [settings] = (await remote) as [{ maxConcurrentStreams: number }];
  assert.is(settings.maxConcurrentStreams, 7);
  assert.is(client.localSettings.maxConcurrentStreams, 7);
  client.close();
  await once(client, 'close');
});

t('graceful close: in-flight stream completes, the client gets GOAWAY NO_ERROR, no new streams', async () => {
  const server = http2.createServer();
  server.on('stream', route);
  const port = await listen(server);
  const client = http2.connect(`http://127.0.0.1:${port}`);
  await once(client, 'connect');
  const goaway = once(client, 'goaway');
  const pending = exchange(client, { ':path': '/slow-end' });
  await once(server, 'stream');
  const serverClosed = closeServer(server);
  const [code] = (await goaway) as [number, number];
  assert.is(code, constants.NGHTTP2_NO_ERROR);
  const r = await pending;
  assert.is(r.body.toString(), 'one two');
  assert.throws(() => client.request({ ':path': '/hello' }), (e: Error & { code: string }) => e.code === 'ERR_HTTP2_GOAWAY_SESSION');
  await once(client, 'close');
  await serverClosed;
  assert.ok(client.closed && client.destroyed);
});

t('session.destroy() closes open streams and emits close', async (ctx) => {
  const client = http2.connect(`http://127.0.0.1:${ctx.port}`);
  const stream = client.request({ ':path': '/hang' });
  await once(stream, 'response');
  const closed = once(stream, 'close');
  client.destroy();
  await closed;
  await once(client, 'close');
  assert.ok(stream.destroyed);
  assert.ok(client.destroyed);
});

t('stream.setTimeout emits timeout after inactivity', async ({ client }) => {
  const stream = client.request({ ':path': '/hang' });
  stream.setTimeout(20);
  await once(stream, 'timeout');
  stream.close(constants.NGHTTP2_CANCEL);
  await once(stream, 'close');
});

t.run();
