// TLS: the listener negotiates h2 or http/1.1 by ALPN and picks certificates by SNI; upstream TLS to an h2 backend
// (ALPN h2, CA from a file) and appProtocol "auto" falling back to an HTTP/1.1-only TLS backend.
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy, type RunningProxy } from '../src/proxy.js';
import { cluster, config, echoHandler, h2Backend, h2Echo, h2Request, has, listen, listener, route, standInRouter, type Closable, type TestPki, makePki } from './proxy-fixtures.js';

const enabled = has('openssl');
let pki: TestPki;
let proxy: RunningProxy;
let h2tls: Closable;
let h1tls: Closable;
let port = 0;

test.before(async () => {
  if (!enabled) return;
  pki = makePki();
  h2tls = await h2Backend(h2Echo('h2-tls'), { key: pki.localhost.key, cert: pki.localhost.cert });
  h1tls = await listen(https.createServer({ key: pki.localhost.key, cert: pki.localhost.cert }, echoHandler('h1-tls')));
  const upstreamTls = { serverName: 'localhost', rejectUnauthorized: true, caFile: `${pki.dir}/ca.pem` };
  const cfg = config(
    [listener('tls', { certificates: [{ serverNames: ['localhost', 'a.test'], certFile: pki.localhost.certFile, keyFile: pki.localhost.keyFile }, { serverNames: ['*.b.test'], certFile: pki.wildcard.certFile, keyFile: pki.wildcard.keyFile }], minVersion: 'TLSv1.2' })],
    [route('h2', 'h2', '/h2'), route('auto-h1', 'auto-h1', '/auto-h1'), route('auto-h2', 'auto-h2', '/auto-h2')],
    [
      cluster('h2', 'h2', [h2tls.port], { tls: upstreamTls }),
      cluster('auto-h1', 'auto', [h1tls.port], { tls: upstreamTls }),
      cluster('auto-h2', 'auto', [h2tls.port], { tls: upstreamTls }),
    ],
  );
  proxy = await startProxy(cfg, { router: standInRouter });
  port = proxy.ports.get('tls')!;
});

test.after(async () => {
  if (!enabled) return;
  await proxy.shutdown(100);
  await h2tls.close();
  await h1tls.close();
  pki.cleanup();
});

function peerCertificateName(servername: string): Promise<{ cn: string; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, ca: pki.ca, ALPNProtocols: ['h2', 'http/1.1'], checkServerIdentity: () => undefined }, () => {
      const cn = s.getPeerCertificate().subject.CN;
      const alpn = s.alpnProtocol;
      s.destroy();
      resolve({ cn: String(Array.isArray(cn) ? cn[0] : cn), alpn: alpn ?? false });
    });
    s.on('error', reject);
  });
}

test('SNI picks the certificate: exact name, wildcard, unknown name gets the first', async () => {
  if (!enabled) return console.log('  (skipped: openssl not found)');
  assert.equal(await peerCertificateName('a.test'), { cn: 'localhost', alpn: 'h2' });
  assert.equal((await peerCertificateName('x.b.test')).cn, 'wildcard');
  assert.equal((await peerCertificateName('unknown.test')).cn, 'localhost');
});

test('HTTP/2 over TLS → h2 TLS backend (ALPN h2, CA file, SNI servername)', async () => {
  if (!enabled) return;
  const session = http2.connect(`https://localhost:${port}`, { ca: pki.ca });
  const res = await h2Request(session, { ':path': '/h2/x' });
  const res2 = await h2Request(session, { ':path': '/auto-h2/y' });
  session.close();
  const echo = JSON.parse(res.body.toString());
  assert.is(echo.backend, 'h2-tls');
  assert.is(echo.headers[':scheme'], 'https');
  assert.is(echo.headers['x-forwarded-proto'], 'https');
  assert.is(JSON.parse(res2.body.toString()).backend, 'h2-tls');
});

test('HTTP/1.1 over TLS (ALPN http/1.1) → appProtocol auto falls back to an HTTP/1.1-only TLS backend', async () => {
  if (!enabled) return;
  const body = await new Promise<string>((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca, path: '/auto-h1/z', headers: { host: 'localhost' }, agent: false }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(s));
    });
    req.on('error', reject);
    req.end();
  });
  const echo = JSON.parse(body);
  assert.is(echo.backend, 'h1-tls');
  assert.is(echo.url, '/auto-h1/z');
  assert.is(echo.headers.via, '1.1 strand-proxy');
});

test('TLS 1.1 clients are refused (minVersion TLSv1.2)', async () => {
  if (!enabled) return;
  const failed = await new Promise<boolean>((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
  assert.ok(failed);
});

test.run();
