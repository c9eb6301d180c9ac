// The (req, res) compat layer on its own: node:http semantics over HTTP/2 streams.
import { once } from 'node:events';
import * as http from 'node:http';
import * as nodeHttp2 from 'node:http2';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, codeOf, listen, pattern, readAll } from './node-helpers.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const t = suite<{ server: strand.Http2Server; port: number; client: strand.ClientHttp2Session; handler: Handler }>('compat');

t.before(async (ctx) => {
  ctx.server = strand.createServer((req, res) => ctx.handler(req, res));
  ctx.port = await listen(ctx.server);
  ctx.client = strand.connect(`http://127.0.0.1:${ctx.port}`);
});

t.after(async (ctx) => {
  ctx.client.destroy();
  await closeServer(ctx.server);
});

async function get(client: strand.ClientHttp2Session, headers: strand.OutgoingHttpHeaders = {}, body?: Buffer) {
  const stream = client.request({ ':path': '/', ...headers }, body === undefined ? {} : { endStream: false });
  const info: strand.IncomingHttpHeaders[] = [];
  let trailers: strand.IncomingHttpHeaders | undefined;
  stream.on('headers', (h: strand.IncomingHttpHeaders) => info.push(h));
  stream.on('trailers', (h: strand.IncomingHttpHeaders) => (trailers = h));
  if (body !== undefined) stream.end(body);
  const [response] = (await once(stream, 'response')) as [strand.IncomingHttpHeaders];
  const data = await readAll(stream);
  return { response, data, info, trailers, stream };
}

t('request fields: method, url, httpVersion 2.0, pseudo-headers, host from :authority, socket', async (ctx) => {
  let seen: Record<string, unknown> = {};
  ctx.handler = (req, res) => {
    seen = {
      method: req.method,
      url: req.url,
      version: req.httpVersion,
      major: req.httpVersionMajor,
      path: req.headers[':path'],
      host: req.headers.host,
      custom: req.headers['x-custom'],
      remote: req.socket.remoteAddress,
      isMessage: req instanceof http.IncomingMessage,
      resIsResponse: res instanceof http.ServerResponse,
      authority: (req as strand.Http2ServerRequest).authority,
      scheme: (req as strand.Http2ServerRequest).scheme,
      stream: (req as strand.Http2ServerRequest).stream instanceof strand.ServerHttp2Stream,
    };
    res.end('ok');
  };
  await get(ctx.client, { ':path': '/x/y?z=1', 'x-custom': 'v' });
  assert.equal(seen, {
    method: 'GET',
    url: '/x/y?z=1',
    version: '2.0',
    major: 2,
    path: '/x/y?z=1',
    host: `127.0.0.1:${ctx.port}`,
    custom: 'v',
    remote: '127.0.0.1',
    isMessage: true,
    resIsResponse: true,
    authority: `127.0.0.1:${ctx.port}`,
    scheme: 'http',
    stream: true,
  });
});

t('setHeader/getHeader/removeHeader, writeHead merge, statusCode, content-length from end(data)', async (ctx) => {
  ctx.handler = (res0, res) => {
    void res0;
    res.setHeader('X-One', '1');
    res.setHeader('x-removed', 'gone');
    res.removeHeader('x-removed');
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    assert.is(res.getHeader('x-one'), '1');
    assert.is(res.headersSent, false);
    res.writeHead(201, { 'x-two': '2', 'content-type': 'text/plain' });
    assert.is(res.headersSent, true);
    assert.throws(() => res.setHeader('x-late', '1'), /Cannot set headers/);
    res.end('created');
  };
  const { response, data } = await get(ctx.client);
  assert.is(response[':status'], 201);
  assert.is(response['x-one'], '1');
  assert.is(response['x-two'], '2');
  assert.is(response['x-removed'], undefined);
  assert.equal(response['set-cookie'], ['a=1', 'b=2']);
  assert.is(data.toString(), 'created');
  ctx.handler = (_req, res) => res.end('twelve bytes');
  const second = await get(ctx.client);
  assert.is(second.response['content-length'], '12');
});

t('HTTP/1-isms are dropped, not fatal: connection, keep-alive, transfer-encoding, upgrade', async (ctx) => {
  ctx.handler = (_req, res) => {
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('Keep-Alive', 'timeout=5');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.setHeader('HTTP2-Settings', 'AAMAAABk');
    res.setHeader('TE', 'gzip'); // only "trailers" is allowed in HTTP/2 (RFC 9113 §8.2.2)
    res.writeHead(200, { upgrade: 'websocket', 'proxy-connection': 'x', 'x-kept': 'yes' });
    res.end('fine');
  };
  const { response, data } = await get(ctx.client);
  assert.is(response[':status'], 200);
  for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'http2-settings', 'te']) assert.is(response[name], undefined, name);
  assert.is(response['x-kept'], 'yes');
  assert.is(data.toString(), 'fine');
});

t('stored headers: numbers, arrays, non-ASCII text (UTF-8 octets), te only as "trailers", pseudo-headers never stored', async (ctx) => {
  let pseudo = '';
  ctx.handler = (req, res) => {
    try {
      res.setHeader(':status', '201');
    } catch (error) {
      pseudo = (error as Error & { code: string }).code;
    }
    res.setHeader('x-count', 3);
    res.setHeader('x-list', ['a', 'b']);
    res.setHeader('x-text', '\u00c3\u00a9'); // as raw latin1 octets this would read back as UTF-8 'é'
    res.setHeader('te', req.url === '/te' ? 'trailers' : 'gzip');
    res.end();
  };
  const plain = await get(ctx.client);
  assert.is(plain.response[':status'], 200);
  assert.is(plain.response['x-count'], '3');
  assert.is(plain.response['x-list'], 'a, b');
  assert.is(plain.response['x-text'], '\u00c3\u00a9');
  assert.is(plain.response.te, undefined);
  assert.is(pseudo, 'ERR_INVALID_HTTP_TOKEN');
  const te = await get(ctx.client, { ':path': '/te' });
  assert.is(te.response.te, 'trailers');
});

t('write() several chunks, addTrailers(), finish then close on res', async (ctx) => {
  const events: string[] = [];
  ctx.handler = (_req, res) => {
    res.on('finish', () => events.push('finish'));
    res.on('close', () => events.push('close'));
    res.write('a');
    res.write(Buffer.from('b'));
    res.addTrailers({ 'x-trailer': 'done' });
    res.end('c');
  };
  const { data, trailers } = await get(ctx.client);
  assert.is(data.toString(), 'abc');
  assert.is(trailers?.['x-trailer'], 'done');
  while (events.length < 2) await new Promise((r) => setImmediate(r));
  assert.equal(events, ['finish', 'close']);
});

t('writeEarlyHints (103) and writeContinue for expect: 100-continue', async (ctx) => {
  ctx.handler = (_req, res) => {
    res.writeEarlyHints({ link: ['</a.css>; rel=preload; as=style', '</b.js>; rel=preload; as=script'] });
    res.end('page');
  };
  const hinted = await get(ctx.client);
  assert.is(hinted.info[0]![':status'], 103);
  assert.is(hinted.info[0]!.link, '</a.css>; rel=preload; as=style, </b.js>; rel=preload; as=script');
  assert.is(hinted.data.toString(), 'page');
  ctx.handler = (req, res) => void readAll(req).then((b) => res.end(`got ${b.length}`));
  const stream = ctx.client.request({ ':path': '/', ':method': 'POST', expect: '100-continue' });
  await once(stream, 'continue');
  stream.end('body');
  await once(stream, 'response');
  assert.is((await readAll(stream)).toString(), 'got 4');
});

t('HEAD gets headers only; 204 and 304 end at the headers', async (ctx) => {
  ctx.handler = (req, res) => {
    if (req.url === '/204') res.statusCode = 204;
    res.setHeader('content-length', '5');
    res.end('hello');
  };
  const head = await get(ctx.client, { ':method': 'HEAD' });
  assert.is(head.response['content-length'], '5');
  assert.is(head.data.length, 0);
  const empty = await get(ctx.client, { ':path': '/204' });
  assert.is(empty.response[':status'], 204);
  assert.is(empty.data.length, 0);
});

t('request body: streamed 3 MiB read through req (pipe into res)', async (ctx) => {
  ctx.handler = (req, res) => {
    res.writeHead(200);
    req.pipe(res);
  };
  const body = pattern(3 * 1024 * 1024);
  const { data } = await get(ctx.client, { ':method': 'PUT' }, body);
  assert.ok(data.equals(body));
});

t('request trailers land on req.trailers', async (ctx) => {
  let seen: unknown;
  ctx.handler = (req, res) => void readAll(req).then(() => {
    seen = req.trailers;
    res.end();
  });
  const stream = ctx.client.request({ ':path': '/', ':method': 'POST' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'x-t': '1' }));
  stream.end('x');
  await once(stream, 'response');
  await readAll(stream);
  assert.is((seen as Record<string, string>)['x-t'], '1');
});

t('client reset → req aborted, res close without finish', async (ctx) => {
  const events: string[] = [];
  const done = new Promise<void>((resolve) => {
    ctx.handler = (req, res) => {
      req.on('aborted', () => events.push('aborted'));
      res.on('finish', () => events.push('finish'));
      res.on('close', () => {
        events.push('close');
        resolve();
      });
      res.write('partial');
    };
  });
  const stream = ctx.client.request({ ':path': '/' });
  await once(stream, 'response');
  stream.close(strand.constants.NGHTTP2_CANCEL);
  await done;
  assert.equal(events, ['aborted', 'close']);
});

t('writeHead with a flat header array and a pair array; flushHeaders; writeProcessing; write callbacks', async (ctx) => {
  const calls: string[] = [];
  ctx.handler = (req, res) => {
    res.writeProcessing();
    if (req.url === '/flat') res.writeHead(200, ['x-a', '1', 'x-b', '2']);
    else res.writeHead(200, 'OK', [['x-a', '3']] as unknown as string[]);
    res.flushHeaders();
    res.write('w', () => calls.push('write cb'));
    res.end(() => {
      calls.push('end cb');
      res.write('late', (e) => calls.push(`late: ${(e as Error & { code: string }).code}`));
      res.end(() => calls.push('second end cb'));
    });
  };
  const flat = await get(ctx.client, { ':path': '/flat' });
  assert.is(flat.info[0]![':status'], 102);
  assert.is(flat.response['x-a'], '1');
  assert.is(flat.response['x-b'], '2');
  assert.is(flat.data.toString(), 'w');
  const pairs = await get(ctx.client, { ':path': '/pairs' });
  assert.is(pairs.response['x-a'], '3');
  while (calls.length < 8) await new Promise((r) => setImmediate(r));
  assert.equal(calls.sort(), ['end cb', 'end cb', 'late: ERR_STREAM_WRITE_AFTER_END', 'late: ERR_STREAM_WRITE_AFTER_END', 'second end cb', 'second end cb', 'write cb', 'write cb']);
});

t('expectations: checkContinue listener, 417 without a checkExpectation listener, CONNECT → 405', async (ctx) => {
  ctx.handler = (_req, res) => res.end('plain');
  const server = ctx.server;
  server.once('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeContinue();
    void readAll(req).then((b) => res.end(`checked ${b.length}`));
  });
  const stream = ctx.client.request({ ':path': '/', ':method': 'POST', expect: '100-continue' });
  await once(stream, 'continue');
  stream.end('abc');
  await once(stream, 'response');
  assert.is((await readAll(stream)).toString(), 'checked 3');
  const odd = await get(ctx.client, { expect: 'something-else' });
  assert.is(odd.response[':status'], 417);
  server.once('checkExpectation', (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200).end('custom'));
  const custom = await get(ctx.client, { expect: 'something-else' });
  assert.is(custom.data.toString(), 'custom');
  const connect = ctx.client.request({ ':method': 'CONNECT', ':authority': 'example.com:443' }, { endStream: false });
  const [h] = (await once(connect, 'response')) as [strand.IncomingHttpHeaders];
  assert.is(h[':status'], 405);
  connect.close();
});

t('res.setTimeout emits timeout; res.destroy resets the stream; createPushResponse fails like push disabled', async (ctx) => {
  const events: string[] = [];
  ctx.handler = (_req, res) => {
    (res as unknown as { createPushResponse(h: unknown, cb: (e: Error & { code: string }) => void): void }).createPushResponse({}, (e) => events.push(e.code));
    res.setTimeout(20, () => {
      events.push('timeout');
      res.destroy();
    });
    res.write('x');
  };
  const stream = ctx.client.request({ ':path': '/' });
  await once(stream, 'response');
  stream.resume();
  await new Promise((resolve) => stream.on('close', resolve));
  assert.equal(events, ['ERR_HTTP2_PUSH_DISABLED', 'timeout']);
  assert.is(stream.rstCode, strand.constants.NGHTTP2_NO_ERROR);
});

t('req.setTimeout emits timeout on req; an unread request ends and closes (GET and an unread POST body)', async (ctx) => {
  const events: string[] = [];
  ctx.handler = (req, res) => {
    req.on('end', () => events.push(`${req.method} end`));
    req.on('close', () => events.push(`${req.method} close`));
    if (req.url === '/slow') {
      const guard = setTimeout(() => res.end('no timeout event'), 2000); // fail, not hang, without the event
      req.setTimeout(20, () => {
        clearTimeout(guard);
        events.push('req timeout');
        res.end('late');
      });
      return;
    }
    res.end('now');
  };
  const slow = await get(ctx.client, { ':path': '/slow' });
  assert.is(slow.data.toString(), 'late');
  await get(ctx.client);
  await get(ctx.client, { ':method': 'POST' }, Buffer.from('unread'));
  while (events.length < 7) await new Promise((r) => setImmediate(r));
  assert.equal(events, ['req timeout', 'GET end', 'GET close', 'GET end', 'GET close', 'POST end', 'POST close']);
});

t('writeHead(status, object) alone: fields as given (lowercased, HTTP/1-only dropped), date added, sent at once (no content-length from end(data)), not stored', async (ctx) => {
  let stored: unknown = 'unset';
  const thrown: Record<string, string> = {};
  ctx.handler = (req, res) => {
    if (req.url === '/bad' || req.url === '/pseudo') {
      thrown[req.url] = codeOf(() => res.writeHead(200, req.url === '/bad' ? { 'bad name': 'x' } : { ':path': '/x' }));
      res.end();
      return;
    }
    res.writeHead(202, { 'Content-Type': 'text/plain', Connection: 'close', 'x-n': 7 });
    stored = res.getHeader('content-type');
    res.end('four');
  };
  const { response, data } = await get(ctx.client);
  assert.is(response[':status'], 202);
  assert.is(response['content-type'], 'text/plain');
  assert.is(response['x-n'], '7');
  assert.is(response.connection, undefined);
  assert.is(response['content-length'], undefined); // the HEADERS left at writeHead(), before end('four')
  assert.type(response.date, 'string');
  assert.match(response.date as string, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/); // IMF-fixdate, RFC 9110 §5.6.7
  assert.is(data.toString(), 'four');
  assert.is(stored, undefined); // node:http's writeHead fast path does not store the fields either
  await get(ctx.client, { ':path': '/bad' });
  await get(ctx.client, { ':path': '/pseudo' });
  // As node:http2: a bad name is node:http's token error, a pseudo-header its own code.
  assert.equal(thrown, { '/bad': 'ERR_INVALID_HTTP_TOKEN', '/pseudo': 'ERR_HTTP2_PSEUDOHEADER_NOT_ALLOWED' });
});

t('writeHead(status, object): a name twice in two cases keeps the last, inherited fields stay home', async (ctx) => {
  ctx.handler = (req, res) => {
    if (req.url === '/inherited') {
      const fields = Object.create({ 'x-inherited': 'yes' }) as Record<string, string>;
      fields['x-own'] = 'own';
      res.writeHead(200, fields);
    } else {
      res.writeHead(200, { 'X-A': '1', 'x-b': 'b', 'x-a': '2' });
    }
    res.end();
  };
  const { response } = await get(ctx.client);
  assert.is(response['x-a'], '2');
  assert.is(response['x-b'], 'b');
  const inherited = (await get(ctx.client, { ':path': '/inherited' })).response;
  assert.equal([inherited['x-own'], inherited['x-inherited']], ['own', undefined]);
});

t("a bodyless request read through 'readable': one 'readable' at the end, then 'end' (as node emits them)", async (ctx) => {
  ctx.handler = (req, res) => {
    let calls = 0;
    req.on('readable', () => {
      calls++;
      while (req.read() !== null);
    });
    req.on('end', () => res.end(String(calls)));
  };
  const r = await get(ctx.client);
  assert.is(r.data.toString(), '1');
});

t('node:http2 client against the compat layer', async (ctx) => {
  ctx.handler = (req, res) => {
    res.setHeader('connection', 'close');
    res.end(`${req.method} ${req.url}`);
  };
  const client = nodeHttp2.connect(`http://127.0.0.1:${ctx.port}`);
  const stream = client.request({ ':path': '/node' });
  const [headers] = (await once(stream, 'response')) as [nodeHttp2.IncomingHttpHeaders];
  assert.is(headers[':status'], 200);
  assert.is((await readAll(stream)).toString(), 'GET /node');
  client.close();
  await once(client, 'close');
});

t.run();
