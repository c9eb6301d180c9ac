// Interop with node's own stacks: node:http2 client → strand server, strand client → node:http2 server (cleartext
// and TLS), node:http / node:https HTTP/1.1 clients → strand's fallback on the cleartext and the TLS port.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import * as nodeHttp2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, listen, pattern, readAll, TLS_CERT, TLS_KEY } from './node-helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BODY = pattern(1024 * 1024 + 7);

/** The same echo handler on any node:http2-shaped server: POST → body back, GET → path. */
function echo(stream: nodeHttp2.ServerHttp2Stream | strand.ServerHttp2Stream, headers: nodeHttp2.IncomingHttpHeaders | strand.IncomingHttpHeaders): void {
  if (headers[':method'] === 'POST') {
    stream.respond({ ':status': 200, 'x-method': 'POST' });
    (stream as nodeHttp2.ServerHttp2Stream).pipe(stream as nodeHttp2.ServerHttp2Stream);
    return;
  }
  stream.respond({ ':status': 200, 'content-type': 'text/plain', 'set-cookie': ['x=1', 'y=2'] });
  stream.end(`path=${String(headers[':path'])}`);
}

type AnyClient = nodeHttp2.ClientHttp2Session | strand.ClientHttp2Session;

async function getAndPost(client: AnyClient): Promise<void> {
  const get = (client as nodeHttp2.ClientHttp2Session).request({ ':path': '/a?b=c' });
  const [headers] = (await once(get, 'response')) as [nodeHttp2.IncomingHttpHeaders];
  assert.is(headers[':status'], 200);
  assert.equal(headers['set-cookie'], ['x=1', 'y=2']);
  assert.is((await readAll(get)).toString(), 'path=/a?b=c');
  const post = (client as nodeHttp2.ClientHttp2Session).request({ ':path': '/', ':method': 'POST' });
  post.end(BODY);
  const [postHeaders] = (await once(post, 'response')) as [nodeHttp2.IncomingHttpHeaders];
  assert.is(postHeaders['x-method'], 'POST');
  assert.is(sha(await readAll(post)), sha(BODY));
}

async function closeClient(client: AnyClient): Promise<void> {
  const closed = once(client, 'close');
  client.close();
  await closed;
}

test('node:http2 client → strand cleartext server', async () => {
  const server = strand.createServer();
  server.on('stream', echo);
  const port = await listen(server);
  const client = nodeHttp2.connect(`http://127.0.0.1:${port}`);
  await getAndPost(client);
  await closeClient(client);
  await closeServer(server);
});

test('node:http2 client → strand TLS server (ALPN h2)', async () => {
  const server = strand.createSecureServer({ key: TLS_KEY, cert: TLS_CERT });
  server.on('stream', echo);
  const port = await listen(server);
  const client = nodeHttp2.connect(`https://localhost:${port}`, { ca: TLS_CERT });
  const [session] = (await once(client, 'connect')) as [nodeHttp2.ClientHttp2Session];
  assert.is(session.alpnProtocol, 'h2');
  await getAndPost(client);
  await closeClient(client);
  await closeServer(server);
});

test('strand client → node:http2 cleartext server', async () => {
  const server = nodeHttp2.createServer();
  server.on('stream', echo);
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  await getAndPost(client);
  await closeClient(client);
  await closeServer(server);
});

test('strand client → node:http2 TLS server; session reports TLS and h2', async () => {
  const server = nodeHttp2.createSecureServer({ key: TLS_KEY, cert: TLS_CERT });
  server.on('stream', echo);
  const port = await listen(server);
  const client = strand.connect(`https://localhost:${port}`, { ca: TLS_CERT });
  await once(client, 'connect');
  assert.is(client.encrypted, true);
  assert.is(client.alpnProtocol, 'h2');
  assert.equal(client.originSet, [`https://localhost:${port}`]);
  await getAndPost(client);
  await closeClient(client);
  await closeServer(server);
});

test('strand client rejects a TLS server that does not negotiate h2', async () => {
  const server = tls.createServer({ key: TLS_KEY, cert: TLS_CERT }, (socket) => socket.on('error', () => {}).resume()); // no ALPN at all
  const port = await listen(server);
  const client = strand.connect(`https://localhost:${port}`, { ca: TLS_CERT });
  const [error] = (await once(client, 'error')) as [Error & { code: string }];
  assert.is(error.code, 'ERR_HTTP2_ERROR');
  await once(client, 'close');
  await closeServer(server);
});

/** An HTTP/1.1 request with node:http (or https); resolves with status, a header and the body. */
function http1(port: number, options: { method?: string; path?: string; body?: Buffer; tls?: boolean; agent?: http.Agent }): Promise<{ status: number; version: string; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const lib = options.tls ? https : http;
    const req = lib.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', ...(options.tls && { ca: TLS_CERT, servername: 'localhost' }), ...(options.agent && { agent: options.agent }) },
      (res) => readAll(res).then((body) => resolve({ status: res.statusCode!, version: res.httpVersion, body, headers: res.headers }), reject),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function compatEcho(req: http.IncomingMessage, res: http.ServerResponse): void {
  readAll(req).then((body) => {
    res.setHeader('x-http-version', req.httpVersion);
    res.setHeader('connection', 'keep-alive'); // HTTP/1-ism: kept for HTTP/1.1, dropped for HTTP/2
    res.end(`${req.method} ${req.url} ${body.length}`);
  });
}

test('HTTP/1.1 (node:http) → strand cleartext port: fallback with keep-alive; HTTP/2 on the same port', async () => {
  const server = strand.createServer(compatEcho);
  const port = await listen(server);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const first = await http1(port, { method: 'POST', path: '/p', body: BODY, agent });
  assert.is(first.status, 200);
  assert.is(first.version, '1.1');
  assert.is(first.headers['x-http-version'], '1.1');
  assert.is(first.body.toString(), `POST /p ${BODY.length}`);
  const second = await http1(port, { path: '/again', agent });
  assert.is(second.body.toString(), 'GET /again 0');
  agent.destroy();
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const stream = client.request({ ':path': '/h2' });
  const [headers] = (await once(stream, 'response')) as [strand.IncomingHttpHeaders];
  assert.is(headers['x-http-version'], '2.0');
  assert.is(headers.connection, undefined);
  assert.is((await readAll(stream)).toString(), 'GET /h2 0');
  await closeClient(client);
  await closeServer(server);
});

test('HTTP/1.1 on a server with only stream listeners gets 505', async () => {
  const server = strand.createServer();
  server.on('stream', echo);
  const port = await listen(server);
  const reply = await http1(port, { path: '/x' });
  assert.is(reply.status, 505);
  await closeServer(server);
});

test('HTTP/1.1 (node:https) → strand TLS port picks http/1.1 by ALPN', async () => {
  const server = strand.createSecureServer({ key: TLS_KEY, cert: TLS_CERT }, compatEcho);
  const port = await listen(server);
  const reply = await http1(port, { tls: true, method: 'POST', path: '/tls', body: Buffer.from('abc') });
  assert.is(reply.status, 200);
  assert.is(reply.headers['x-http-version'], '1.1');
  assert.is(reply.body.toString(), 'POST /tls 3');
  await closeServer(server);
});

test('compat over TLS: req.socket answers like the TLS socket, stream questions from the stream', async () => {
  let seen: Record<string, unknown> = {};
  const server = strand.createSecureServer({ key: TLS_KEY, cert: TLS_CERT }, (req, res) => {
    const socket = req.socket as tls.TLSSocket;
    seen = {
      encrypted: socket.encrypted,
      alpn: socket.alpnProtocol,
      isTls: socket instanceof tls.TLSSocket,
      hasCert: typeof socket.getPeerCertificate === 'function',
      writable: socket.writable,
      hasRemote: 'remoteAddress' in socket,
      same: req.socket === res.socket,
      write: (() => {
        try {
          socket.write('x');
          return 'wrote';
        } catch (error) {
          return (error as { code: string }).code;
        }
      })(),
    };
    req.setTimeout(1000);
    res.end('ok');
  });
  const port = await listen(server);
  const client = strand.connect(`https://localhost:${port}`, { ca: TLS_CERT });
  const stream = client.request({ ':path': '/' });
  await once(stream, 'response');
  await readAll(stream);
  assert.equal(seen, { encrypted: true, alpn: 'h2', isTls: true, hasCert: true, writable: true, hasRemote: true, same: true, write: 'ERR_HTTP2_NO_SOCKET_MANIPULATION' });
  await closeClient(client);
  await closeServer(server);
});

test('allowHTTP1: false → an HTTP/1.1 client on the cleartext port gets GOAWAY and a closed socket', async () => {
  const server = strand.createServer({ allowHTTP1: false }, compatEcho);
  const errors: Error[] = [];
  server.on('sessionError', (e: Error) => errors.push(e));
  const port = await listen(server);
  const socket = net.connect(port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const bytes = await readAll(socket);
  // SETTINGS first, then GOAWAY(PROTOCOL_ERROR) for the invalid preface (RFC 9113 §3.4).
  const goaway = bytes.indexOf(Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x00]), 0);
  assert.ok(goaway > 0, 'a GOAWAY frame was sent');
  assert.is(bytes.readUInt32BE(goaway + 10), 0x1);
  assert.is(errors.length, 1);
  await closeServer(server);
});

test('a TLS client without ALPN h2 and allowHTTP1: false → unknownProtocol', async () => {
  const server = strand.createSecureServer({ key: TLS_KEY, cert: TLS_CERT, allowHTTP1: false });
  const unknown = once(server, 'unknownProtocol');
  const port = await listen(server);
  const req = https.get({ host: '127.0.0.1', port, ca: TLS_CERT, servername: 'localhost' });
  req.on('error', () => {});
  const [socket] = (await unknown) as [net.Socket];
  socket.destroy();
  await closeServer(server);
});

test.run();
