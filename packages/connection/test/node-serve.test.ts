// serve({ fetch }): WHATWG Request/Response over HTTP/2 and the HTTP/1.1 fallback, with streamed bodies.
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, pattern, readAll, TLS_CERT, TLS_KEY } from './node-helpers.js';

/** Echoes method, URL and a few headers, then streams the request body back in a ReadableStream. */
async function handler(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === '/stream') {
    const encoder = new TextEncoder();
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i === 3) return controller.close();
        controller.enqueue(encoder.encode(`part${i++};`));
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1' } });
  }
  if (url.pathname === '/throw') throw new Error('handler failed');
  if (request.method === 'POST') {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return new Response(bytes, { status: 201, headers: { 'x-length': String(bytes.length), connection: 'keep-alive' } });
  }
  return Response.json({ method: request.method, url: request.url, agent: request.headers.get('x-agent') });
}

async function start(options: Partial<strand.ServeOptions> = {}): Promise<{ server: strand.Http2Server | strand.Http2SecureServer; port: number; errors: unknown[] }> {
  const errors: unknown[] = [];
  const server = strand.serve({ fetch: handler, port: 0, hostname: '127.0.0.1', onError: (e) => errors.push(e), ...options });
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, errors };
}

test('HTTP/2: JSON response, streamed response body, POST body round trip, handler errors → 500', async () => {
  const { server, port, errors } = await start();
  const client = strand.connect(`http://127.0.0.1:${port}`);

  const get = client.request({ ':path': '/q?x=1', 'x-agent': 'strand' });
  const [h] = (await once(get, 'response')) as [strand.IncomingHttpHeaders];
  assert.is(h[':status'], 200);
  assert.match(String(h['content-type']), /application\/json/);
  assert.equal(JSON.parse((await readAll(get)).toString()), { method: 'GET', url: `http://127.0.0.1:${port}/q?x=1`, agent: 'strand' });

  const streamed = client.request({ ':path': '/stream' });
  const [sh] = (await once(streamed, 'response')) as [strand.IncomingHttpHeaders];
  assert.equal(sh['set-cookie'], ['a=1']);
  assert.is((await readAll(streamed)).toString(), 'part0;part1;part2;');

  const body = pattern(2 * 1024 * 1024);
  const post = client.request({ ':path': '/up', ':method': 'POST' });
  post.end(body);
  const [ph] = (await once(post, 'response')) as [strand.IncomingHttpHeaders];
  assert.is(ph[':status'], 201);
  assert.is(ph['x-length'], String(body.length));
  assert.is(ph.connection, undefined);
  assert.ok((await readAll(post)).equals(body));

  const failed = client.request({ ':path': '/throw' });
  const [fh] = (await once(failed, 'response')) as [strand.IncomingHttpHeaders];
  assert.is(fh[':status'], 500);
  await readAll(failed);
  assert.is((errors[0] as Error).message, 'handler failed');

  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test('HTTP/1.1 fallback on the same port: JSON, streamed body, POST body', async () => {
  const { server, port } = await start();
  const agent = new http.Agent({ keepAlive: false });
  const request = (path: string, method = 'GET', body?: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers: { 'x-agent': 'h1' } }, (res) =>
        readAll(res).then((b) => resolve({ status: res.statusCode!, headers: res.headers, body: b }), reject),
      );
      req.end(body);
    });
  const get = await request('/h1');
  assert.equal(JSON.parse(get.body.toString()), { method: 'GET', url: `http://127.0.0.1:${port}/h1`, agent: 'h1' });
  const streamed = await request('/stream');
  assert.is(streamed.headers['transfer-encoding'], 'chunked');
  assert.is(streamed.body.toString(), 'part0;part1;part2;');
  const body = pattern(300_000);
  const post = await request('/up', 'POST', body);
  assert.is(post.status, 201);
  assert.ok(post.body.equals(body));
  await closeServer(server);
});

test('TLS: HTTP/2 by ALPN and HTTP/1.1 by ALPN on one port', async () => {
  const { server, port } = await start({ tls: { key: TLS_KEY, cert: TLS_CERT } });
  const client = strand.connect(`https://localhost:${port}`, { ca: TLS_CERT });
  const get = client.request({ ':path': '/secure' });
  await once(get, 'response');
  assert.equal(JSON.parse((await readAll(get)).toString()).url, `https://localhost:${port}/secure`);
  const closed = once(client, 'close');
  client.close();
  const h1 = await new Promise<string>((resolve, reject) =>
    https.get({ host: '127.0.0.1', port, path: '/h1s', ca: TLS_CERT, servername: 'localhost', agent: false }, (res) => readAll(res).then((b) => resolve(b.toString()), reject)),
  );
  assert.is(JSON.parse(h1).url, `https://127.0.0.1:${port}/h1s`);
  await closed;
  await closeServer(server);
});

test.run();
