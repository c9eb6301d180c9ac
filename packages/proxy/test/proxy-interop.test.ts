// Interop with real clients and servers: curl (h2c prior knowledge, HTTP/1.1, h2c Upgrade ignored, TLS ALPN h2),
// nghttp (h2c, upload), node:http2 → proxy → nghttpd (h2c backend); and the built-in demo backend.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy, type RunningProxy } from '../src/proxy.js';
import { cluster, config, freePort, h1Request, h2Request, has, httpBackend, listener, makePki, route, standInRouter, waitForPort, type Closable, type TestPki } from './proxy-fixtures.js';

const run = promisify(execFile);
const hasCurl = has('curl');
const hasNghttp = has('nghttp');
const hasNghttpd = has('nghttpd');
const hasOpenssl = has('openssl');

let dir: string;
let nghttpd: ChildProcess | null = null;
let nghttpdPort = 0;
let h1: Closable;
let pki: TestPki | null = null;
let proxy: RunningProxy;
let port = 0;
let tlsPort = 0;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strand-proxy-nghttpd-'));
  writeFileSync(join(dir, 'index.html'), '<h1>from nghttpd</h1>\n');
  if (hasNghttpd) {
    nghttpdPort = await freePort();
    nghttpd = spawn('nghttpd', ['--no-tls', '-d', dir, String(nghttpdPort)], { stdio: 'ignore' });
    await waitForPort(nghttpdPort);
  }
  h1 = await httpBackend();
  const listeners = [listener('plain')];
  if (hasOpenssl) {
    pki = makePki();
    listeners.push(listener('tls', { certificates: [{ serverNames: ['localhost'], certFile: pki.localhost.certFile, keyFile: pki.localhost.keyFile }], minVersion: 'TLSv1.2' }));
  }
  const cfg = config(listeners, [route('nghttpd', 'nghttpd', '/index.html'), route('demo', 'demo', '/demo'), route('h1', 'h1', '/')], [
    cluster('nghttpd', 'h2c', [nghttpdPort || 1]),
    cluster('h1', 'http', [h1.port]),
    cluster('demo', 'h2c', [0], { demoBackend: 'demo' }),
  ]);
  cfg.demoBackends = [{ name: 'demo', port: 0 }];
  proxy = await startProxy(cfg, { router: standInRouter });
  port = proxy.ports.get('plain')!;
  tlsPort = proxy.ports.get('tls') ?? 0;
});

test.after(async () => {
  await proxy.shutdown(100);
  await h1.close();
  nghttpd?.kill();
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('node:http2 client → proxy → nghttpd (h2c backend)', async () => {
  if (!hasNghttpd) return console.log('  (skipped: nghttpd not found)');
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const res = await h2Request(session, { ':path': '/index.html' });
  session.close();
  assert.is(res.headers[':status'], 200);
  assert.is(res.body.toString(), '<h1>from nghttpd</h1>\n');
  assert.match(String(res.headers['via']), /2 strand-proxy/);
});

test('curl --http2-prior-knowledge and curl --http1.1 on the same cleartext port', async () => {
  if (!hasCurl) return console.log('  (skipped: curl not found)');
  const h2 = await run('curl', ['-s', '--http2-prior-knowledge', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `http://127.0.0.1:${port}/x`]);
  assert.is(h2.stdout, '2 200');
  const h11 = await run('curl', ['-s', '--http1.1', '-w', '\n%{http_version} %{http_code}', `http://127.0.0.1:${port}/y`]);
  const lines = h11.stdout.split('\n');
  assert.is(lines[1], '1.1 200');
  assert.is(JSON.parse(lines[0]!).url, '/y');
});

test('curl --http2 on http:// (Upgrade: h2c) is served over HTTP/1.1 without upgrading', async () => {
  if (!hasCurl) return;
  const r = await run('curl', ['-s', '--http2', '-w', '\n%{http_version} %{http_code}', `http://127.0.0.1:${port}/up`]);
  const lines = r.stdout.split('\n');
  assert.is(lines[1], '1.1 200');
  assert.is(JSON.parse(lines[0]!).headers.upgrade, undefined);
});

test('curl over TLS negotiates h2 by ALPN', async () => {
  if (!hasCurl || pki === null) return console.log('  (skipped: curl or openssl not found)');
  const r = await run('curl', ['-s', '--http2', '--cacert', join(pki.dir, 'ca.pem'), '--resolve', `localhost:${tlsPort}:127.0.0.1`, '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `https://localhost:${tlsPort}/tls`]);
  assert.is(r.stdout, '2 200');
});

test('nghttp (h2c prior knowledge), with an upload', async () => {
  if (!hasNghttp) return console.log('  (skipped: nghttp not found)');
  const file = join(dir, 'upload.bin');
  writeFileSync(file, Buffer.alloc(100_000, 0x41));
  const r = await run('nghttp', ['-d', file, `http://127.0.0.1:${port}/upload`]);
  const echo = JSON.parse(r.stdout);
  assert.is(echo.method, 'POST');
  assert.is(echo.body.length, 100_000);
  const v = await run('nghttp', ['-v', `http://127.0.0.1:${port}/`]);
  assert.match(v.stdout, /:status: 200/);
});

test('demo backend (port 0 substituted): HTML page, JSON echo, /bytes/N', async () => {
  const page = await h1Request(port, { path: '/demo' });
  assert.match(page.body.toString(), /"path": "\/demo"/);
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const echo = await h2Request(session, { ':path': '/demo/x', ':method': 'POST' }, 'hello');
  session.close();
  assert.is(echo.headers['x-demo-backend'], 'demo');
  assert.is(JSON.parse(echo.body.toString()).body, 'hello');
  const direct = proxy.ports.get('demo:demo')!;
  const s2 = http2.connect(`http://127.0.0.1:${direct}`);
  const home = await h2Request(s2, { ':path': '/' });
  const big = await h2Request(s2, { ':path': '/bytes/300000' });
  s2.close();
  assert.match(home.body.toString(), /Hello from demo/);
  assert.is(big.body.length, 300_000);
});

test.run();
