// Request smuggling: every ambiguous or malformed request is refused before a byte reaches the backend. Each row
// sends one attack to the proxy (HTTP/1.1 raw bytes, or HTTP/2 frames made by our engine in the client role, which
// encodes whatever it is given) and asserts the raw TCP backend received nothing at all.
import { H2Connection } from '@strand/connection';
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy, type RunningProxy } from '../src/proxy.js';
import { cluster, config, h1Request, httpBackend, listener, rawBackend, rawExchange, route, sleep, standInRouter, type Closable } from './proxy-fixtures.js';

let raw: Awaited<ReturnType<typeof rawBackend>>;
let echo: Closable;
let proxy: RunningProxy;
let port = 0;

test.before(async () => {
  raw = await rawBackend();
  echo = await httpBackend();
  const cfg = config([listener('plain')], [route('echo', 'echo', '/echo'), route('raw', 'raw', '/')], [cluster('raw', 'http', [raw.port]), cluster('echo', 'http', [echo.port])]);
  proxy = await startProxy(cfg, { router: standInRouter });
  port = proxy.ports.get('plain')!;
});

test.after(async () => {
  await proxy.shutdown(50);
  await raw.close();
  await echo.close();
});

const H1_ATTACKS: Array<[string, string]> = [
  ['Content-Length and Transfer-Encoding together', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['two different Content-Length values', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde'],
  ['Content-Length with a sign', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\nabcd'],
  ['Transfer-Encoding not ending in chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n'],
  ['Transfer-Encoding: xchunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n'],
  ['obs-fold continuation line', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n'],
  ['space before the colon', 'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n'],
  ['bare CR in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n'],
  ['NUL in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n'],
  ['bare LF line ending', 'GET / HTTP/1.1\nHost: a\nX-A: b\n\n'],
  ['invalid chunk size', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ['space inside the request target', 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['absolute-form target to another host', 'GET http://evil.test/ HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['missing Host', 'GET / HTTP/1.1\r\n\r\n'],
  ['Host with a path', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n'],
  ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
  ['h2c upgrade with a body', 'POST / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Length: 4\r\n\r\nabcd'],
  ['invalid method token', 'G(T / HTTP/1.1\r\nHost: a\r\n\r\n'],
];

for (const [name, bytes] of H1_ATTACKS) {
  test(`HTTP/1.1: ${name} → refused, backend received 0 bytes`, async () => {
    const before = raw.received().length;
    const answer = await rawExchange(port, bytes, 150);
    await sleep(20);
    assert.is(raw.received().length - before, 0, `backend got: ${JSON.stringify(raw.received().subarray(before).toString('latin1'))}`);
    assert.match(answer.toString('latin1'), /^HTTP\/1\.1 4\d\d /);
  });
}

/** Sends one HTTP/2 request made by the engine (no validation on the sending side) and returns the RST_STREAM code or status. */
async function h2Attack(headers: Array<[string, string]>, data: Uint8Array | null): Promise<string> {
  const conn = new H2Connection({ role: 'client' });
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const id = conn.request(headers, { endStream: data === null });
  if (data !== null) conn.submitData(id, data, true);
  socket.write(Buffer.concat(conn.pull()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 300);
    socket.on('data', (chunk) => {
      for (const e of conn.receive(chunk)) {
        if (e.type === 'streamReset') resolve(`reset ${e.errorCode}`);
        else if (e.type === 'headers' && e.kind === 'response') resolve(`status ${e.headers.find(([n]) => n === ':status')?.[1]}`);
        else if (e.type === 'connectionError' || e.type === 'goaway') resolve(`goaway ${'errorCode' in e ? e.errorCode : ''}`);
        else continue;
        clearTimeout(timer);
        socket.end(Buffer.concat(conn.pull()));
        return;
      }
      socket.write(Buffer.concat(conn.pull()));
    });
  });
}

const BASE: Array<[string, string]> = [[':method', 'POST'], [':scheme', 'http'], [':authority', 'a'], [':path', '/']];
const H2_ATTACKS: Array<[string, Array<[string, string]>, Uint8Array | null]> = [
  ['transfer-encoding in HTTP/2', [...BASE, ['transfer-encoding', 'chunked']], new TextEncoder().encode('0\r\n\r\n')],
  ['content-length larger than the DATA', [...BASE, ['content-length', '10']], new Uint8Array(5)],
  ['content-length smaller than the DATA', [...BASE, ['content-length', '3']], new Uint8Array(5)],
  ['CR LF in a value', [...BASE, ['x-a', 'b\r\nx-injected: 1']], null],
  ['NUL in a value', [...BASE, ['x-a', 'b\u0000c']], null],
  ['upgrade: h2c', [...BASE, ['upgrade', 'h2c']], null],
  ['connection: keep-alive', [...BASE, ['connection', 'keep-alive']], null],
  ['te: gzip', [...BASE, ['te', 'gzip']], null],
  ['uppercase field name', [...BASE, ['X-Upper', '1']], null],
  ['space in :path', [[':method', 'GET'], [':scheme', 'http'], [':authority', 'a'], [':path', '/a b']], null],
  ['host differs from :authority', [...BASE, ['host', 'other']], null],
  ['control character in a value', [...BASE, ['x-a', 'b\u0001c']], null],
  [':authority with userinfo', [[':method', 'GET'], [':scheme', 'http'], [':authority', 'user@a'], [':path', '/']], null],
];

for (const [name, headers, data] of H2_ATTACKS) {
  test(`HTTP/2: ${name} → refused, backend received 0 bytes`, async () => {
    const before = raw.received().length;
    const outcome = await h2Attack(headers, data);
    await sleep(20);
    assert.is(raw.received().length - before, 0, `backend got: ${JSON.stringify(raw.received().subarray(before).toString('latin1'))}`);
    assert.match(outcome, /^(reset 1|status 400)$/);
  });
}

test('Upgrade: h2c and HTTP2-Settings never reach a backend (the upgrade is ignored, the request served)', async () => {
  const res = await h1Request(port, { path: '/echo', headers: { host: 'a', connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQCAAAAAAIAAAAA' } });
  assert.is(res.status, 200);
  const seen = JSON.parse(res.body.toString());
  assert.is(seen.headers.upgrade, undefined);
  assert.is(seen.headers['http2-settings'], undefined);
  assert.is(seen.headers.connection, undefined); // HTTP/1.1 keep-alive is the default: no Connection field at all
});

test.run();
