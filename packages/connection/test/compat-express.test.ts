// Express 4 and Express 5 apps on strand's compat layer, over real HTTP/2 (strand client and node:http2 client).
// Express swaps the prototypes of req/res for its own (which inherit http.IncomingMessage/ServerResponse): the compat
// objects keep working because their HTTP/2 behaviour lives on the instances.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import * as nodeHttp2 from 'node:http2';
import { fileURLToPath } from 'node:url';
import express5 from 'express';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, listen, readAll } from './node-helpers.js';

const express4 = createRequire(import.meta.url)('express4') as typeof express5;
const PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));

function app(express: typeof express5) {
  const a = express();
  a.set('env', 'test'); // no error logging from the default handler
  a.use(express.json());
  a.get('/users/:id', (req, res) => {
    res.set('x-user', String(req.params.id)).json({ id: req.params.id, q: req.query.q });
  });
  a.post('/users', (req, res) => {
    res.status(201).json({ created: req.body });
  });
  a.get('/keep-alive', (_req, res) => {
    res.set('Connection', 'keep-alive');
    res.set('Keep-Alive', 'timeout=5');
    res.send('still fine');
  });
  a.get('/redirect', (_req, res) => res.redirect('/users/7'));
  a.get('/info', (req, res) => res.json({ protocol: req.protocol, hostname: req.hostname, ip: req.ip, version: req.httpVersion }));
  a.get('/file', (_req, res) => res.sendFile(PACKAGE_JSON));
  a.get('/boom', () => {
    throw new Error('boom');
  });
  return a;
}

interface Reply {
  status: number;
  headers: nodeHttp2.IncomingHttpHeaders;
  body: string;
}

async function call(client: strand.ClientHttp2Session | nodeHttp2.ClientHttp2Session, path: string, method = 'GET', json?: unknown): Promise<Reply> {
  const headers: nodeHttp2.OutgoingHttpHeaders = { ':path': path, ':method': method };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const stream = (client as nodeHttp2.ClientHttp2Session).request(headers, { endStream: json === undefined });
  if (json !== undefined) stream.end(JSON.stringify(json));
  const [h] = (await once(stream, 'response')) as [nodeHttp2.IncomingHttpHeaders];
  return { status: Number(h[':status']), headers: h, body: (await readAll(stream)).toString() };
}

for (const [name, express] of [['Express 4', express4], ['Express 5', express5]] as const) {
  test(`${name}: routing, params, query, JSON in and out, status codes, redirects, errors`, async () => {
    const server = strand.createServer(app(express));
    const port = await listen(server);
    const client = strand.connect(`http://127.0.0.1:${port}`);

    const user = await call(client, '/users/42?q=x');
    assert.is(user.status, 200);
    assert.is(user.headers['x-user'], '42');
    assert.is(user.headers['x-powered-by'], 'Express');
    assert.match(String(user.headers['content-type']), /^application\/json/);
    assert.equal(JSON.parse(user.body), { id: '42', q: 'x' });

    const created = await call(client, '/users', 'POST', { name: 'Ada' });
    assert.is(created.status, 201);
    assert.equal(JSON.parse(created.body), { created: { name: 'Ada' } });

    const kept = await call(client, '/keep-alive');
    assert.is(kept.status, 200);
    assert.is(kept.headers.connection, undefined);
    assert.is(kept.body, 'still fine');

    const moved = await call(client, '/redirect');
    assert.is(moved.status, 302);
    assert.is(moved.headers.location, '/users/7');

    const missing = await call(client, '/nope');
    assert.is(missing.status, 404);

    const broken = await call(client, '/boom');
    assert.is(broken.status, 500);

    const info = await call(client, '/info');
    assert.equal(JSON.parse(info.body), { protocol: 'http', hostname: '127.0.0.1', ip: '127.0.0.1', version: '2.0' });

    const file = await call(client, '/file');
    assert.is(file.status, 200);
    assert.is(JSON.parse(file.body).name, '@strand/connection');

    client.close();
    await once(client, 'close');
    await closeServer(server);
  });

  test(`${name}: node:http2 client`, async () => {
    const server = strand.createServer(app(express));
    const port = await listen(server);
    const client = nodeHttp2.connect(`http://127.0.0.1:${port}`);
    const created = await call(client, '/users', 'POST', { n: 1 });
    assert.is(created.status, 201);
    assert.equal(JSON.parse(created.body), { created: { n: 1 } });
    const kept = await call(client, '/keep-alive');
    assert.is(kept.body, 'still fine');
    client.close();
    await once(client, 'close');
    await closeServer(server);
  });
}

test.run();
