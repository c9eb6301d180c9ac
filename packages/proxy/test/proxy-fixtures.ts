// Shared test fixtures for the data path: hand-built ProxyConfig objects, a stand-in router (first route whose
// hostnames and path prefix match), backends (node:http, node:http2 h2c/TLS, raw TCP) and an openssl-made CA.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProtocol, ClusterConfig, ListenerConfig, ProxyConfig, RouteConfig, RouteRequest, RouteResult } from '../src/config/types.js';
import type { RouteMatcher } from '../src/server/generation.js';

export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export function listener(name: string, tls: ListenerConfig['tls'] = null): ListenerConfig {
  return { name, address: '127.0.0.1', port: 0, tls };
}

export function cluster(name: string, appProtocol: AppProtocol, ports: number[], extra: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name,
    appProtocol,
    tls: null,
    hosts: ports.map((port) => ({ address: '127.0.0.1', port, weight: 1 })),
    loadBalancing: 'round-robin',
    healthCheck: null,
    outlier: { consecutiveFailures: 0, ejectionMs: 0 },
    timeouts: { connectMs: 2000, requestMs: 0, idleMs: 60_000 },
    maxStreamsPerConnection: 0,
    maxConnections: 0,
    service: null,
    demoBackend: null,
    ...extra,
  };
}

export function route(name: string, clusterName: string, prefix = '/', extra: Partial<RouteConfig> = {}): RouteConfig {
  return {
    name,
    hostnames: [],
    listeners: [],
    matches: [{ path: { type: 'PathPrefix', value: prefix }, method: null, headers: [], queryParams: [], grpc: null }],
    filters: [],
    backends: [{ cluster: clusterName, weight: 1 }],
    timeouts: { request: 0, backendRequest: 0 },
    retry: null,
    kind: 'HTTPRoute',
    ...extra,
  };
}

export function config(listeners: ListenerConfig[], routes: RouteConfig[], clusters: ClusterConfig[]): ProxyConfig {
  return {
    source: 'test',
    listeners,
    routes,
    clusters: new Map(clusters.map((c) => [c.name, c])),
    accessLog: null,
    admin: null,
    limits: { drainTimeoutMs: 2000, maxRequestBodyBytes: 0, maxConnections: 0, maxConcurrentStreams: 256, maxHeaderListBytes: 65536, requestHeadersTimeoutMs: 10_000, idleTimeoutMs: 60_000 },
    demoBackends: [],
  };
}

/** Stand-in for the real router: first route whose hostnames (exact) and path prefix match; first backend. */
export function standInRouter(cfg: ProxyConfig): RouteMatcher {
  return {
    match(req: RouteRequest): RouteResult | null {
      const host = req.authority.replace(/:\d+$/, '');
      for (const r of cfg.routes) {
        if (r.hostnames.length > 0 && !r.hostnames.includes(host)) continue;
        if (r.listeners.length > 0 && !r.listeners.includes(req.listener)) continue;
        for (const m of r.matches) {
          if (m.path !== null && m.path.type === 'PathPrefix' && !req.path.startsWith(m.path.value)) continue;
          if (m.path !== null && m.path.type === 'Exact' && req.path.split('?')[0] !== m.path.value) continue;
          return { route: r, backend: r.backends[0]!, match: m };
        }
      }
      return null;
    },
  };
}

export interface Closable {
  port: number;
  close(): Promise<void>;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

export async function listen(server: net.Server): Promise<Closable> {
  const sockets = track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: closer(server, sockets) };
}

/** node:http backend; `handler` defaults to a JSON echo of method, url and headers. */
export async function httpBackend(handler?: http.RequestListener): Promise<Closable & { server: http.Server }> {
  const server = http.createServer(handler ?? echoHandler('h1'));
  const c = await listen(server);
  return { ...c, server };
}

export function echoHandler(name: string): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const json = JSON.stringify({ backend: name, method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body: body.toString('latin1'), trailers: req.trailers });
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
      res.end(json);
    });
  };
}

/** node:http2 backend (h2c, or TLS when a key pair is given). */
export async function h2Backend(handler: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void, tls?: { key: string; cert: string; allowHTTP1?: boolean }): Promise<Closable & { server: http2.Http2Server }> {
  const server = tls ? http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: tls.allowHTTP1 ?? false }) : http2.createServer();
  server.on('stream', handler);
  server.on('sessionError', () => undefined);
  const c = await listen(server);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  return {
    ...c,
    server,
    close: async () => {
      for (const s of sessions) s.destroy();
      await c.close();
    },
  };
}

/** h2 echo handler: JSON of the request headers and body length. */
export function h2Echo(name: string) {
  return (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    let n = 0;
    stream.on('data', (c: Buffer) => (n += c.length));
    stream.on('end', () => {
      if (stream.destroyed) return;
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'x-backend': name });
      stream.end(JSON.stringify({ backend: name, headers, bodyBytes: n }));
    });
    stream.on('error', () => undefined);
  };
}

/** A raw TCP server that records every byte it receives (smuggling tests: must stay empty). */
export async function rawBackend(): Promise<Closable & { received: () => Buffer; connections: () => number }> {
  const chunks: Buffer[] = [];
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => undefined);
  });
  const c = await listen(server);
  return { ...c, received: () => Buffer.concat(chunks), connections: () => connections };
}

export interface TestPki {
  dir: string;
  ca: string;
  /** A leaf cert for localhost/127.0.0.1 and a.test. */
  localhost: { key: string; cert: string; keyFile: string; certFile: string };
  /** A leaf cert for *.b.test. */
  wildcard: { key: string; cert: string; keyFile: string; certFile: string };
  cleanup(): void;
}

/** A throwaway CA and two leaf certificates (EC P-256), made with openssl. */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'strand-proxy-pki-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=strand test CA', '-keyout', 'ca.key', '-out', 'ca.pem']);
  const leaf = (name: string, san: string) => {
    run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
    const keyFile = join(dir, `${name}.key`);
    const certFile = join(dir, `${name}.pem`);
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), keyFile, certFile };
  };
  const localhost = leaf('localhost', 'DNS:localhost,DNS:a.test,IP:127.0.0.1');
  const wildcard = leaf('wildcard', 'DNS:*.b.test');
  return { dir, ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), localhost, wildcard, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One HTTP/1.1 request over a fresh connection; resolves with status, headers and body. */
export function h1Request(port: number, options: http.RequestOptions & { body?: string | Buffer } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; trailers: NodeJS.Dict<string> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), trailers: res.trailers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One HTTP/2 request over `session`; resolves with headers, body and trailers. */
export function h2Request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string | Buffer): Promise<{ headers: http2.IncomingHttpHeaders; body: Buffer; trailers: http2.IncomingHttpHeaders | null }> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, { endStream: body === undefined });
    let head: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | null = null;
    const chunks: Buffer[] = [];
    req.on('response', (h) => (head = h));
    req.on('trailers', (t) => (trailers = t));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ headers: head, body: Buffer.concat(chunks), trailers }));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
  });
}

/** Sends raw bytes and collects everything the peer answers until it closes or `ms` pass. */
export function rawExchange(port: number, bytes: string | Buffer, ms = 300): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(done, ms);
    s.on('data', (d) => chunks.push(d));
    s.on('close', done);
    s.on('error', done);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port that was free a moment ago (for tools that must be told their port). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

/** Resolves once something accepts connections on `port`. */
export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(25);
  }
  throw new Error(`port ${port} never opened`);
}
