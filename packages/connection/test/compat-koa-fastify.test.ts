// Koa and Fastify apps on strand's compat layer over real HTTP/2.
import { once } from 'node:events';
import type * as http from 'node:http';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import Koa from 'koa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, listen, readAll } from './node-helpers.js';

async function call(client: strand.ClientHttp2Session, path: string, method = 'GET', json?: unknown) {
  const headers: strand.OutgoingHttpHeaders = { ':path': path, ':method': method };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const stream = client.request(headers, { endStream: json === undefined });
  if (json !== undefined) stream.end(JSON.stringify(json));
  const [h] = (await once(stream, 'response')) as [strand.IncomingHttpHeaders];
  return { status: h[':status'] as number, headers: h, body: (await readAll(stream)).toString() };
}

test('Koa: routing, JSON body in and out, status codes, headers, streamed body, keep-alive dropped', async () => {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/users' && ctx.method === 'POST') {
      const body = JSON.parse((await readAll(ctx.req)).toString());
      ctx.status = 201;
      ctx.body = { created: body, host: ctx.host, protocol: ctx.protocol };
    } else if (ctx.path.startsWith('/users/')) {
      ctx.set('x-user', ctx.path.slice(7));
      ctx.set('Connection', 'keep-alive');
      ctx.body = { id: ctx.path.slice(7), q: ctx.query.q };
    } else if (ctx.path === '/stream') {
      ctx.type = 'text/plain';
      ctx.body = Readable.from(['a', 'b', 'c']);
    } else if (ctx.path === '/teapot') {
      ctx.throw(418, 'short and stout');
    }
  });
  app.silent = true;
  const server = strand.createServer(app.callback() as (req: http.IncomingMessage, res: http.ServerResponse) => void);
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);

  const user = await call(client, '/users/9?q=z');
  assert.is(user.status, 200);
  assert.is(user.headers['x-user'], '9');
  assert.is(user.headers.connection, undefined);
  assert.equal(JSON.parse(user.body), { id: '9', q: 'z' });

  const created = await call(client, '/users', 'POST', { a: [1, 2] });
  assert.is(created.status, 201);
  assert.equal(JSON.parse(created.body), { created: { a: [1, 2] }, host: `127.0.0.1:${port}`, protocol: 'http' });

  const streamed = await call(client, '/stream');
  assert.is(streamed.body, 'abc');
  assert.match(String(streamed.headers['content-type']), /^text\/plain/);

  assert.is((await call(client, '/nothing')).status, 404);
  const teapot = await call(client, '/teapot');
  assert.is(teapot.status, 418);
  assert.is(teapot.body, 'short and stout');

  client.close();
  await once(client, 'close');
  await closeServer(server);
});

test('Fastify (serverFactory): routing, JSON schema body, status codes, headers, keep-alive dropped', async () => {
  const app = Fastify({
    serverFactory: (handler) => strand.createServer(handler as (req: http.IncomingMessage, res: http.ServerResponse) => void) as unknown as http.Server,
  });
  app.get('/users/:id', async (request, reply) => {
    reply.header('x-user', (request.params as { id: string }).id);
    reply.header('connection', 'keep-alive');
    return { id: (request.params as { id: string }).id, version: request.raw.httpVersion };
  });
  app.post('/users', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } }, async (request, reply) => {
    reply.code(201);
    return { created: request.body };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const client = strand.connect(`http://127.0.0.1:${port}`);

  const user = await call(client, '/users/5');
  assert.is(user.status, 200);
  assert.is(user.headers['x-user'], '5');
  assert.is(user.headers.connection, undefined);
  assert.equal(JSON.parse(user.body), { id: '5', version: '2.0' });

  const created = await call(client, '/users', 'POST', { name: 'Grace' });
  assert.is(created.status, 201);
  assert.equal(JSON.parse(created.body), { created: { name: 'Grace' } });

  const invalid = await call(client, '/users', 'POST', { nope: true });
  assert.is(invalid.status, 400);

  assert.is((await call(client, '/missing')).status, 404);

  client.close();
  await once(client, 'close');
  await app.close();
});

test.run();
