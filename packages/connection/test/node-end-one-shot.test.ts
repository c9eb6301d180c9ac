// Http2Stream.end(chunk) on a stream that wrote nothing hands body and END_STREAM to the engine in one call: the wire
// carries one DATA frame with END_STREAM, and what the application observes ('finish', the end callback, encodings,
// HEAD responses, trailers, writes before end) is what the ordinary write path gives.
import { connect as netConnect } from 'node:net';
import { once } from 'node:events';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CONNECTION_PREFACE, Flag, FrameDecoder, FrameType, FrameWriter, type Frame } from '@strand/frame';
import { Encoder } from '@strand/hpack';
import * as strand from '../src/index.js';
import { closeServer, listen, readAll } from './node-helpers.js';

type StreamHandler = (stream: strand.ServerHttp2Stream, headers: strand.IncomingHttpHeaders) => void;
const t = suite<{ server: strand.Http2Server; port: number; client: strand.ClientHttp2Session; handler: StreamHandler }>('end(chunk) one shot');

t.before(async (ctx) => {
  ctx.server = strand.createServer();
  ctx.server.on('stream', (stream: strand.ServerHttp2Stream, headers: strand.IncomingHttpHeaders) => ctx.handler(stream, headers));
  ctx.port = await listen(ctx.server);
  ctx.client = strand.connect(`http://127.0.0.1:${ctx.port}`);
});

t.after(async (ctx) => {
  ctx.client.destroy();
  await closeServer(ctx.server);
});

/** A raw client: one GET, then the server's frames on stream 1 until END_STREAM. */
async function rawFrames(port: number, method = 'GET'): Promise<Frame[]> {
  const socket = netConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  const w = new FrameWriter();
  w.settings([]);
  w.headers(1, new Encoder().encode([[':method', method], [':scheme', 'http'], [':authority', 'x'], [':path', '/']]), { endStream: true });
  socket.write(CONNECTION_PREFACE);
  for (const chunk of w.flush()) socket.write(chunk);
  const decoder = new FrameDecoder();
  const frames: Frame[] = [];
  for await (const chunk of socket) {
    decoder.push(chunk as Buffer);
    for (let f = decoder.next(); f !== null; f = decoder.next()) {
      if (f.streamId === 1) frames.push(f);
      if (f.streamId === 1 && (f.flags & Flag.END_STREAM) !== 0) {
        socket.destroy();
        return frames;
      }
    }
  }
  return frames;
}

t('respond() then end(buffer): HEADERS, then one DATA frame carrying the body and END_STREAM', async (ctx) => {
  const order: string[] = [];
  ctx.handler = (stream) => {
    stream.respond({ ':status': 200 });
    stream.on('finish', () => order.push('finish'));
    stream.end(Buffer.from('hello'), () => order.push('callback'));
    assert.is(stream.writableLength, 0);
    assert.is(stream.writableEnded, true);
    order.push('returned');
  };
  const frames = await rawFrames(ctx.port);
  assert.equal(frames.map((f) => [f.type, f.flags & Flag.END_STREAM]), [[FrameType.HEADERS, 0], [FrameType.DATA, Flag.END_STREAM]]);
  assert.is(Buffer.from((frames[1] as { data: Uint8Array }).data).toString(), 'hello');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(order, ['returned', 'callback', 'finish']); // as Writable orders them
});

t('end(string, encoding) and implicit headers; a HEAD response sends no body', async (ctx) => {
  ctx.handler = (stream, headers) => stream.end(headers[':method'] === 'HEAD' ? 'ignored' : '68656c6c6f', 'hex');
  const get = ctx.client.request({ ':path': '/' });
  const [response] = (await once(get, 'response')) as [strand.IncomingHttpHeaders];
  assert.is(response[':status'], 200);
  assert.is((await readAll(get)).toString(), 'hello');
  const frames = await rawFrames(ctx.port, 'HEAD');
  assert.equal(frames.map((f) => [f.type, f.flags & Flag.END_STREAM]), [[FrameType.HEADERS, Flag.END_STREAM]]);
});

t('an unknown encoding throws as Writable throws it', async (ctx) => {
  let code = '';
  ctx.handler = (stream) => {
    stream.respond({ ':status': 200 });
    try {
      stream.end('x', 'bogus' as BufferEncoding);
    } catch (error) {
      code = (error as { code?: string }).code ?? '';
    }
    stream.end();
  };
  const req = ctx.client.request({ ':path': '/' });
  await readAll(req);
  assert.is(code, 'ERR_UNKNOWN_ENCODING');
});

t('write() before end(chunk), waitForTrailers, and a body over 64 KiB take the ordinary path', async (ctx) => {
  const big = Buffer.alloc(100_000, 0x61);
  ctx.handler = (stream, headers) => {
    const path = headers[':path'];
    if (path === '/write') {
      stream.respond({ ':status': 200 });
      stream.write('hel');
      stream.end('lo');
    } else if (path === '/trailers') {
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-t': 'yes' }));
      stream.end('body');
    } else {
      stream.respond({ ':status': 200 });
      stream.end(big);
    }
  };
  const fetch = async (path: string) => {
    const req = ctx.client.request({ ':path': path });
    const trailers = new Promise<strand.IncomingHttpHeaders | null>((resolve) => {
      req.on('trailers', (h: strand.IncomingHttpHeaders) => resolve(h));
      req.on('close', () => resolve(null));
    });
    const body = (await readAll(req)).toString();
    return { body, trailers: await trailers };
  };
  assert.is((await fetch('/write')).body, 'hello');
  const withTrailers = await fetch('/trailers');
  assert.is(withTrailers.body, 'body');
  assert.is(withTrailers.trailers?.['x-t'], 'yes');
  assert.is((await fetch('/big')).body, big.toString());
});

// Review additions: the remaining cases where end(chunk) must behave as Writable.end + _write + _final would.
async function get(ctx: { client: strand.ClientHttp2Session }, path: string, body?: string) {
  const req = ctx.client.request({ ':path': path, ':method': body === undefined ? 'GET' : 'POST' });
  if (body !== undefined) req.end(body);
  const [headers] = (await once(req, 'response')) as [strand.IncomingHttpHeaders];
  return { status: headers[':status'], body: (await readAll(req)).toString() };
}

t('setDefaultEncoding, cork, empty chunks, and finish/close order', async (ctx) => {
  const events: string[] = [];
  ctx.handler = (stream, headers) => {
    const path = headers[':path'];
    stream.respond({ ':status': 200 });
    if (path === '/hex') {
      stream.setDefaultEncoding('hex');
      stream.end('68656c6c6f');
    } else if (path === '/corked') {
      stream.cork();
      stream.end('corked');
    } else if (path === '/empty') {
      stream.end('');
    } else if (path === '/empty-bytes') {
      stream.end(new Uint8Array(0));
    } else if (path === '/order') {
      stream.on('finish', () => events.push(`finish ${stream.writableFinished} ${stream.writableLength}`));
      stream.on('close', () => events.push('close'));
      stream.end(new Uint8Array([0x6f, 0x6b]), () => events.push('cb'));
    }
  };
  assert.equal(await get(ctx, '/hex'), { status: 200, body: 'hello' });
  assert.equal(await get(ctx, '/corked'), { status: 200, body: 'corked' });
  assert.equal(await get(ctx, '/empty'), { status: 200, body: '' });
  assert.equal(await get(ctx, '/empty-bytes'), { status: 200, body: '' });
  assert.equal(await get(ctx, '/order'), { status: 200, body: 'ok' });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(events, ['cb', 'finish true 0', 'close']);
});

t('a client request body by end(chunk), and end(chunk) after destroy reports ERR_STREAM_DESTROYED', async (ctx) => {
  let destroyedError = '';
  ctx.handler = async (stream, headers) => {
    if (headers[':path'] === '/destroyed') {
      stream.destroy();
      stream.end('x', (error?: Error | null) => (destroyedError = (error as { code?: string } | null | undefined)?.code ?? 'none'));
      return;
    }
    const body = (await readAll(stream)).toString();
    stream.respond({ ':status': 200 });
    stream.end(`got ${body}`);
  };
  assert.equal(await get(ctx, '/echo', 'abc'), { status: 200, body: 'got abc' });
  const req = ctx.client.request({ ':path': '/destroyed' });
  req.on('error', () => {});
  req.resume();
  await once(req, 'close');
  await new Promise((r) => setTimeout(r, 20));
  assert.is(destroyedError, 'ERR_STREAM_DESTROYED');
});

t.run();
