// End-to-end forwarding on a cleartext listener: HTTP/2 (prior knowledge) and HTTP/1.1 clients on the same port,
// to HTTP/1.1 and h2c backends; header translation; trailers; 1xx; local errors.
import * as http2 from 'node:http2';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy, type RunningProxy } from '../src/proxy.js';
import { cluster, config, echoHandler, h1Request, h2Backend, h2Echo, h2Request, httpBackend, listener, route, standInRouter, type Closable } from './proxy-fixtures.js';

let proxy: RunningProxy;
let h1: Closable;
let h2: Closable;
let port = 0;

test.before(async () => {
  h1 = await httpBackend((req, res) => {
    if (req.url === '/trailers') {
      res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-checksum' });
      res.write('body');
      res.addTrailers({ 'x-checksum': 'abc', authorization: 'not-a-trailer' });
      res.end();
      return;
    }
    if (req.url === '/hints') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.end('hinted');
      return;
    }
    if (req.url === '/conn') {
      res.writeHead(200, { connection: 'x-private, keep-alive', 'x-private': 'secret', 'keep-alive': 'timeout=5', 'x-public': 'yes' });
      res.end('ok');
      return;
    }
    echoHandler('h1')(req, res);
  });
  h2 = await h2Backend((stream, headers) => {
    if (String(headers[':path']).endsWith('/trailers')) {
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-sum': '42', 'set-cookie': 'not-a-trailer' }));
      stream.end('data');
      return;
    }
    h2Echo('h2c')(stream, headers);
  });
  const cfg = config(
    [listener('plain')],
    [route('to-h2', 'h2c', '/h2'), route('to-h1', 'h1', '/')],
    [cluster('h1', 'http', [h1.port]), cluster('h2c', 'h2c', [h2.port])],
  );
  proxy = await startProxy(cfg, { router: standInRouter });
  port = proxy.ports.get('plain')!;
});

test.after(async () => {
  await proxy.shutdown(100);
  await h1.close();
  await h2.close();
});

test('HTTP/2 client → HTTP/1.1 backend: :authority becomes Host, cookies joined, Via and X-Forwarded-* added', async () => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const res = await h2Request(session, { ':path': '/echo?x=1', ':authority': 'example.test', cookie: ['a=1', 'b=2'], 'x-forwarded-for': '10.0.0.1' });
  session.close();
  assert.is(res.headers[':status'], 200);
  const echo = JSON.parse(res.body.toString());
  assert.is(echo.url, '/echo?x=1');
  assert.is(echo.headers.host, 'example.test');
  assert.is(echo.headers.cookie, 'a=1; b=2');
  assert.is(echo.headers.via, '2 strand-proxy');
  assert.is(echo.headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
  assert.is(echo.headers['x-forwarded-proto'], 'http');
  assert.is(echo.headers['x-forwarded-host'], 'example.test');
  assert.match(echo.headers['x-request-id'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.is(res.headers['via'], '1.1 strand-proxy');
  assert.is(res.headers['x-backend'], 'h1');
});

test('HTTP/1.1 client → h2c backend: Host becomes :authority, hop-by-hop fields dropped', async () => {
  const res = await h1Request(port, {
    path: '/h2/x',
    headers: { host: 'h.test', connection: 'keep-alive, x-hop', 'x-hop': 'drop me', 'keep-alive': 'timeout=1', 'x-request-id': 'given-id', te: 'gzip' },
  });
  assert.is(res.status, 200);
  const echo = JSON.parse(res.body.toString());
  assert.is(echo.backend, 'h2c');
  assert.is(echo.headers[':authority'], 'h.test');
  assert.is(echo.headers[':path'], '/h2/x');
  assert.is(echo.headers['x-hop'], undefined);
  assert.is(echo.headers['keep-alive'], undefined);
  assert.is(echo.headers['te'], undefined);
  assert.is(echo.headers['x-request-id'], 'given-id');
  assert.is(echo.headers.via, '1.1 strand-proxy');
  assert.is(res.headers.via, '2 strand-proxy');
});

test('response hop-by-hop fields and what Connection names are dropped', async () => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const res = await h2Request(session, { ':path': '/conn' });
  session.close();
  assert.is(res.headers['x-public'], 'yes');
  assert.is(res.headers['x-private'], undefined);
  assert.is(res.headers['keep-alive'], undefined);
});

test('request bodies both ways: HTTP/2 body to HTTP/1.1 backend is chunked; HTTP/1.1 body to h2c', async () => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const body = Buffer.alloc(300_000, 0x61);
  const res = await h2Request(session, { ':path': '/upload', ':method': 'POST' }, body);
  session.close();
  const echo = JSON.parse(res.body.toString());
  assert.is(echo.headers['transfer-encoding'], 'chunked');
  assert.is(echo.body.length, 300_000);
  const res2 = await h1Request(port, { path: '/h2/upload', method: 'POST', body: Buffer.alloc(100_000, 0x62) });
  assert.is(JSON.parse(res2.body.toString()).bodyBytes, 100_000);
});

test('trailers: HTTP/1.1 chunked trailers reach an HTTP/2 client; HTTP/2 trailers reach an HTTP/1.1 client', async () => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const res = await h2Request(session, { ':path': '/trailers' });
  session.close();
  assert.is(res.body.toString(), 'body');
  assert.is(res.trailers?.['x-checksum'], 'abc');
  assert.is(res.trailers?.['authorization'], undefined); // RFC 9110 §6.5.1: filtered once, by the forwarder
  const res2 = await h1Request(port, { path: '/h2/trailers' });
  assert.is(res2.body.toString(), 'data');
  assert.is(res2.trailers['x-sum'], '42');
  assert.is(res2.trailers['set-cookie'], undefined);
});

test('103 Early Hints are forwarded to an HTTP/2 client', async () => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const hints: http2.IncomingHttpHeaders[] = [];
  const req = session.request({ ':path': '/hints' });
  req.on('headers', (h) => hints.push(h));
  const body = await new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });
  session.close();
  assert.is(body, 'hinted');
  assert.is(hints.length, 1);
  assert.is(hints[0]![':status'], 103);
  assert.is(hints[0]!['link'], '</style.css>; rel=preload');
});

test('no route → 404 from the proxy; a request without Host → 400', async () => {
  const cfg = config([listener('plain')], [route('only', 'h1', '/only')], [cluster('h1', 'http', [h1.port])]);
  const p = await startProxy(cfg, { router: standInRouter });
  const res = await h1Request(p.ports.get('plain')!, { path: '/nope' });
  assert.is(res.status, 404);
  const session = http2.connect(`http://127.0.0.1:${p.ports.get('plain')}`);
  const r2 = await h2Request(session, { ':path': '/nope' });
  assert.is(r2.headers[':status'], 404);
  session.close();
  await p.shutdown(50);
});

test('backend down → 503 after retries; HEAD answers carry no body', async () => {
  const cfg = config([listener('plain')], [route('dead', 'dead', '/')], [cluster('dead', 'http', [1])]);
  const p = await startProxy(cfg, { router: standInRouter });
  const res = await h1Request(p.ports.get('plain')!, { path: '/x' });
  assert.is(res.status, 503);
  const head = await h1Request(p.ports.get('plain')!, { path: '/x', method: 'HEAD' });
  assert.is(head.status, 503);
  assert.is(head.body.length, 0);
  await p.shutdown(50);
});

test('response header filters apply to each response once, when the backend repeats the same head', async () => {
  const backend = await httpBackend((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  const filters = [{ type: 'ResponseHeaderModifier' as const, modifier: { set: [], add: [['x-added', '1']] as Array<[string, string]>, remove: [] } }];
  const p = await startProxy(config([listener('p')], [route('r', 'c', '/', { filters })], [cluster('c', 'http', [backend.port])]), { router: standInRouter });
  try {
    const port = p.ports.get('p')!;
    for (let i = 0; i < 3; i++) {
      const r = await h1Request(port, { path: '/' });
      assert.is(r.headers['x-added'], '1', `response ${i + 1}: one x-added`);
    }
  } finally {
    await p.shutdown(50);
    await backend.close();
  }
});

test.run();
