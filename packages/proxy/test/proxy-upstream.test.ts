// Upstream behaviour: load balancing, active health checks (HTTP and gRPC), passive ejection, HTTP/2 pools opening
// another connection at MAX_CONCURRENT_STREAMS, retries of safe failures (REFUSED_STREAM, GOAWAY, connect refused),
// status-code retries, timeouts and the request body limit.
import { EnginePump, H2Connection, type H2Event } from '@strand/connection';
import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy } from '../src/proxy.js';
import { Balancer } from '../src/upstream/balancer.js';
import { UpstreamHost } from '../src/upstream/host.js';
import { cluster, config, h1Request, h2Backend, h2Request, httpBackend, listen, listener, route, sleep, standInRouter } from './proxy-fixtures.js';

const fakeHost = (port: number, weight = 1) => new UpstreamHost({ address: '127.0.0.1', port, tls: null, connectTimeoutMs: 0 }, weight, { request: () => { throw new Error('unused'); }, close() {}, destroy() {}, connectionCount: 0 });

test('balancer: smooth weighted round-robin follows the weights exactly', () => {
  const a = fakeHost(1, 3);
  const b = fakeHost(2, 1);
  const lb = new Balancer('round-robin', [a, b]);
  const picks = Array.from({ length: 8 }, () => lb.pick(0).port).join('');
  assert.is(picks, '11211121');
});

test('balancer: least-request picks the less loaded of two; ejected and unhealthy hosts are skipped; panic when none is left', () => {
  const a = fakeHost(1);
  const b = fakeHost(2);
  const c = fakeHost(3);
  let r = 0;
  const seq = [0.1, 0.1]; // i = 0 (a); j = 0 → skips i → 1 (b)
  const lb = new Balancer('least-request', [a, b, c], () => seq[r++ % 2]!);
  a.active = 5;
  b.active = 1;
  assert.is(lb.pick(0).port, 2);
  const rr = new Balancer('round-robin', [a, b, c]);
  b.ejectedUntil = 1000;
  c.healthy = false;
  for (let i = 0; i < 4; i++) assert.is(rr.pick(500).port, 1);
  a.healthy = false;
  const seen = new Set(Array.from({ length: 6 }, () => rr.pick(500).port));
  assert.equal([...seen].sort(), [1, 2, 3]);
  a.healthy = true;
  for (let i = 0; i < 4; i++) assert.is(rr.pick(2000, b).port, 1); // avoid the host that just failed when another is available
});

test('round-robin across two HTTP/1.1 backends; random reaches both', async () => {
  const a = await httpBackend((_q, s) => s.end('a'));
  const b = await httpBackend((_q, s) => s.end('b'));
  for (const lb of ['round-robin', 'random', 'least-request'] as const) {
    const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [a.port, b.port], { loadBalancing: lb })]), { router: standInRouter });
    const bodies: string[] = [];
    for (let i = 0; i < 20; i++) bodies.push((await h1Request(proxy.ports.get('p')!, { path: '/' })).body.toString());
    if (lb === 'round-robin') assert.is(bodies.filter((x) => x === 'a').length, 10);
    assert.ok(bodies.includes('a') && bodies.includes('b'), `${lb}: ${bodies.join('')}`);
    await proxy.shutdown(50);
  }
  await a.close();
  await b.close();
});

test('passive ejection: a dead host is retried around and ejected; no request fails', async () => {
  const live = await httpBackend((_q, s) => s.end('live'));
  const proxy = await startProxy(
    config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [1, live.port], { outlier: { consecutiveFailures: 1, ejectionMs: 60_000 } })]),
    { router: standInRouter },
  );
  for (let i = 0; i < 10; i++) {
    const res = await h1Request(proxy.ports.get('p')!, { path: '/' });
    assert.is(res.status, 200);
    assert.is(res.body.toString(), 'live');
  }
  await proxy.shutdown(50);
  await live.close();
});

test('active HTTP health check takes a failing host out and brings it back', async () => {
  let sick = true;
  const a = await httpBackend((q, s) => {
    if (q.url === '/health') {
      s.statusCode = sick ? 503 : 200;
      s.end();
    } else s.end('a');
  });
  const b = await httpBackend((_q, s) => s.end('b'));
  const hc = { type: 'http' as const, path: '/health', intervalMs: 20, timeoutMs: 200, unhealthyThreshold: 1, healthyThreshold: 1, grpcService: '' };
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [a.port, b.port], { healthCheck: hc })]), { router: standInRouter });
  const port = proxy.ports.get('p')!;
  await sleep(80);
  for (let i = 0; i < 6; i++) assert.is((await h1Request(port, { path: '/' })).body.toString(), 'b');
  sick = false;
  await sleep(80);
  const bodies = new Set<string>();
  for (let i = 0; i < 6; i++) bodies.add((await h1Request(port, { path: '/' })).body.toString());
  assert.ok(bodies.has('a'));
  await proxy.shutdown(50);
  await a.close();
  await b.close();
});

test('active gRPC health check (grpc.health.v1.Health/Check)', async () => {
  const ident = (b: Buffer) => b;
  let status = 2; // NOT_SERVING
  const server = new grpc.Server();
  server.addService({ Check: { path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false, requestSerialize: ident, requestDeserialize: ident, responseSerialize: ident, responseDeserialize: ident } } as grpc.ServiceDefinition, {
    Check: (_c: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from([0x08, status])),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const healthy: Array<[string, boolean]> = [];
  const metrics = { upstreamHealth: (_c: string, host: string, ok: boolean) => healthy.push([host, ok]) };
  const hc = { type: 'grpc' as const, path: '', intervalMs: 20, timeoutMs: 500, unhealthyThreshold: 1, healthyThreshold: 1, grpcService: '' };
  const noop = () => undefined;
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'grpc', [port], { healthCheck: hc })]), {
    router: standInRouter,
    metrics: { requestCompleted: noop, connectionOpened: noop, connectionClosed: noop, streamOpened: noop, streamClosed: noop, upstreamRequest: noop, upstreamConnectFailure: noop, outlierEjection: noop, retry: noop, limitTripped: noop, configReload: noop, ...metrics },
  });
  await sleep(100);
  status = 1; // SERVING
  await sleep(100);
  assert.equal(healthy[0], [`127.0.0.1:${port}`, false]);
  assert.equal(healthy[healthy.length - 1], [`127.0.0.1:${port}`, true]);
  await proxy.shutdown(50);
  server.forceShutdown();
});

test('HTTP/2 pool opens another connection when MAX_CONCURRENT_STREAMS is reached', async () => {
  const sessions = new Set<unknown>();
  const backend = await h2Backend((stream) => {
    sessions.add(stream.session);
    stream.on('error', () => undefined);
    setTimeout(() => {
      stream.respond({ ':status': 200 });
      stream.end('ok');
    }, 80);
  });
  backend.server.updateSettings({ maxConcurrentStreams: 2 });
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
  const session = http2.connect(`http://127.0.0.1:${proxy.ports.get('p')}`);
  // Warm one connection so the pool knows the backend's limit, then 6 at once.
  await h2Request(session, { ':path': '/' });
  const results = await Promise.all(Array.from({ length: 6 }, () => h2Request(session, { ':path': '/' })));
  assert.ok(results.every((r) => Number(r.headers[':status']) === 200));
  assert.ok(sessions.size >= 3, `backend saw ${sessions.size} connections`);
  session.close();
  await proxy.shutdown(50);
  await backend.close();
});

/** An engine-based h2c backend: the first `refuse` streams get `refuseWith` (REFUSED_STREAM or a GOAWAY), then 200. */
async function refusingBackend(mode: 'rst' | 'goaway', refuse: number) {
  let refused = 0;
  let served = 0;
  const server = net.createServer((socket) => {
    const conn = new H2Connection({ role: 'server' });
    const pump: EnginePump = new EnginePump(socket, conn, (events: H2Event[]) => {
      for (const e of events) {
        if (e.type !== 'headers' || e.kind !== 'request') continue;
        if (refused < refuse) {
          refused++;
          if (mode === 'rst') conn.rstStream(e.streamId, 0x7);
          // GOAWAY with last-stream-id 0 (raw frame: the engine always names its highest stream): nothing processed.
          else socket.end(Buffer.from([0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
          continue;
        }
        served++;
        conn.respond(e.streamId, [[':status', '200']]);
        conn.submitData(e.streamId, new TextEncoder().encode('served'), true);
      }
      pump.schedule();
    });
    socket.on('error', () => undefined);
  });
  const c = await listen(server);
  return { ...c, counts: () => ({ refused, served }) };
}

for (const mode of ['rst', 'goaway'] as const) {
  test(`safe retry: ${mode === 'rst' ? 'REFUSED_STREAM' : 'a stream above GOAWAY last-stream-id'} is retried, POST body replayed`, async () => {
    const backend = await refusingBackend(mode, 1);
    const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
    const res = await h1Request(proxy.ports.get('p')!, { path: '/', method: 'POST', body: 'payload' });
    assert.is(res.status, 200);
    assert.is(res.body.toString(), 'served');
    assert.equal(backend.counts(), { refused: 1, served: 1 });
    await proxy.shutdown(50);
    await backend.close();
  });
}

test('HTTP/1.1 pool: a kept-alive connection is reused, and closed once idle for the cluster idle timeout', async () => {
  const backend = await httpBackend((_q, s) => s.end('ok'));
  let opened = 0;
  let closed = 0;
  backend.server.on('connection', (socket: net.Socket) => {
    opened++;
    socket.on('close', () => closed++);
  });
  const idle = { connectMs: 2000, requestMs: 0, idleMs: 80 };
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [backend.port], { timeouts: idle })]), { router: standInRouter });
  const port = proxy.ports.get('p')!;
  for (let i = 0; i < 3; i++) {
    assert.is((await h1Request(port, { path: '/' })).body.toString(), 'ok');
    await sleep(20);
  }
  assert.is(opened, 1);
  assert.is(closed, 0);
  await sleep(300);
  assert.is(closed, 1);
  assert.is((await h1Request(port, { path: '/' })).body.toString(), 'ok');
  assert.is(opened, 2);
  await proxy.shutdown(50);
  await backend.close();
});

test('HTTP/1.1 backend: concurrent responses keep their own bodies (reads share one buffer; kept bytes are copied)', async () => {
  const backend = await httpBackend((q, s) => {
    const body = `body of ${q.url} `.repeat(20);
    s.writeHead(200, { 'content-length': String(body.length) });
    s.end(body);
  });
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [backend.port])]), { router: standInRouter });
  const session = http2.connect(`http://127.0.0.1:${proxy.ports.get('p')}`);
  for (let round = 0; round < 3; round++) {
    const paths = Array.from({ length: 40 }, (_, i) => `/r${round}/${i}`);
    const replies = await Promise.all(paths.map((path) => h2Request(session, { ':path': path })));
    replies.forEach((r, i) => assert.is(r.body.toString(), `body of ${paths[i]} `.repeat(20)));
  }
  session.close();
  await proxy.shutdown(50);
  await backend.close();
});

test('status-code retry (route retry policy): 503 then 200', async () => {
  let n = 0;
  const backend = await httpBackend((_q, s) => {
    s.statusCode = n++ === 0 ? 503 : 200;
    s.end(String(s.statusCode));
  });
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/', { retry: { attempts: 2, backoffMs: 1, codes: [503] } })], [cluster('c', 'http', [backend.port])]), { router: standInRouter });
  const res = await h1Request(proxy.ports.get('p')!, { path: '/' });
  assert.is(res.status, 200);
  assert.is(n, 2);
  await proxy.shutdown(50);
  await backend.close();
});

test('gRPC retry: the second attempt carries what is left of the client deadline in grpc-timeout', async () => {
  const seen: string[] = [];
  const backend = await h2Backend((stream, headers) => {
    seen.push(String(headers['grpc-timeout']));
    if (seen.length === 1) setTimeout(() => stream.respond({ ':status': 503 }, { endStream: true }), 200);
    else stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '0' }, { endStream: true });
  });
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/', { retry: { attempts: 2, backoffMs: 1, codes: [503] } })], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
  const session = http2.connect(`http://127.0.0.1:${proxy.ports.get('p')}`);
  const res = await h2Request(session, { ':method': 'POST', ':path': '/svc/M', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '5S' }, Buffer.alloc(5));
  assert.is(res.headers['grpc-status'], '0');
  assert.is(seen.length, 2);
  assert.is(seen[0], '5S'); // the first attempt: the client's own value
  const left = /^(\d+)m$/.exec(seen[1]!);
  assert.ok(left !== null, `second grpc-timeout ${seen[1]}`);
  assert.ok(Number(left[1]) <= 4800 && Number(left[1]) > 3000, `${seen[1]}: 5 s less the first attempt's 200 ms`);
  session.close();
  await proxy.shutdown(50);
  await backend.close();
});

test("gRPC: grpc-timeout 0m is a deadline already passed, not none: the route's request timeout still applies", async () => {
  const held: http2.ServerHttp2Stream[] = [];
  const seen: string[] = [];
  const backend = await h2Backend((stream, headers) => {
    seen.push(String(headers['grpc-timeout']));
    held.push(stream); // never answered
  });
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/', { timeouts: { request: 5000, backendRequest: 0 } })], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
  const session = http2.connect(`http://127.0.0.1:${proxy.ports.get('p')}`);
  try {
    const answer = h2Request(session, { ':method': 'POST', ':path': '/svc/M', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '0m' }, Buffer.alloc(5));
    const res = await Promise.race([answer, sleep(2000).then(() => null)]);
    assert.ok(res !== null, 'answered before the route timeout (5 s): the 0m deadline expired at once');
    assert.is(res.headers['grpc-status'] ?? res.trailers?.['grpc-status'], '4'); // DEADLINE_EXCEEDED
    assert.ok(seen.length <= 1 && seen.every((v) => v === '0m'), `backend saw ${seen.join(', ')}`);
  } finally {
    for (const s of held) s.close();
    session.destroy();
    await proxy.shutdown(50);
    await backend.close();
  }
});

test('timeouts: route request timeout → 504; backendRequest per attempt → 504', async () => {
  const backend = await httpBackend((_q, s) => setTimeout(() => s.end('late'), 300));
  for (const timeouts of [{ request: 60, backendRequest: 0 }, { request: 0, backendRequest: 60 }]) {
    const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/', { timeouts })], [cluster('c', 'http', [backend.port])]), { router: standInRouter });
    const res = await h1Request(proxy.ports.get('p')!, { path: '/' });
    assert.is(res.status, 504);
    await proxy.shutdown(50);
  }
  await backend.close();
});

test('request body limit: Content-Length over the limit → 413; a streamed HTTP/2 body over it → 413', async () => {
  const backend = await httpBackend();
  const cfg = config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'http', [backend.port])]);
  cfg.limits.maxRequestBodyBytes = 1000;
  const proxy = await startProxy(cfg, { router: standInRouter });
  const res = await h1Request(proxy.ports.get('p')!, { path: '/', method: 'POST', body: Buffer.alloc(2000) });
  assert.is(res.status, 413);
  const session = http2.connect(`http://127.0.0.1:${proxy.ports.get('p')}`);
  const r2 = await h2Request(session, { ':path': '/', ':method': 'POST' }, Buffer.alloc(5000));
  assert.is(r2.headers[':status'], 413);
  session.close();
  await proxy.shutdown(50);
  await backend.close();
});

test.run();
