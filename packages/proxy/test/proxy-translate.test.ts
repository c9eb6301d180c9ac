// Unit tests of the pure pieces of the data path: header translation, the smuggling checks, preface sniffing,
// gRPC status/timeout helpers, the gRPC-Web codec, SNI lookup.
import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GrpcStatus, encodeGrpcMessage, formatGrpcTimeout, grpcStatusForHttp, grpcTrailersOnly, parseGrpcTimeout } from '../src/grpc/status.js';
import { Base64Decoder, Base64Encoder, bridgeRequestHeaders, bridgeResponseHeaders, grpcWebMode, trailerFrame } from '../src/grpc/web.js';
import { LazyHeaderMap } from '../src/server/resolve.js';
import { classify } from '../src/server/sniff.js';
import type { HeaderList, RequestHead } from '../src/translate/head.js';
import { connectionNamed, isHopByHop, teHasTrailers } from '../src/translate/hop-by-hop.js';
import { requestIdOf, upstreamRequestHeaders } from '../src/translate/request-headers.js';
import { formatRequestId, nextRequestId } from '../src/translate/request-id.js';
import { downstreamResponseHeaders, forwardableTrailers, fromRawHeaders, toRawHeaders } from '../src/translate/response-headers.js';
import { checkRequestHead, isFieldValue, isToken } from '../src/translate/validate.js';
import { healthCheckRequest } from '../src/upstream/health.js';

function head(headers: HeaderList, extra: Partial<RequestHead> = {}): RequestHead {
  return {
    method: 'GET',
    scheme: 'https',
    authority: 'example.test:8443',
    path: '/p?q=1',
    protocol: '',
    headers,
    endStream: true,
    version: 2,
    remoteAddress: '192.0.2.7',
    conn: { id: 1, remote: '192.0.2.7:5000', local: '127.0.0.1:8443', sni: null },
    secure: true,
    listener: 'l',
    ...extra,
  };
}

const TO_H1 = { version: 1 as const, scheme: '', method: 'GET', authority: 'example.test:8443', path: '/p?q=1', upgrade: null };
const TO_H2 = { ...TO_H1, version: 2 as const, scheme: 'http' };

test('upstream HTTP/1.1 headers: Host first, crumbs joined, hop-by-hop dropped, forwarding fields exact', () => {
  const out = upstreamRequestHeaders(
    head([['cookie', 'a=1'], ['accept', '*/*'], ['cookie', 'b=2'], ['te', 'trailers'], ['x-forwarded-for', '198.51.100.1'], ['via', '1.0 edge'], ['x-forwarded-proto', 'http'], ['x-request-id', 'r1']]),
    TO_H1,
  );
  assert.equal(out, [
    ['host', 'example.test:8443'],
    ['accept', '*/*'],
    ['x-request-id', 'r1'],
    ['cookie', 'a=1; b=2'],
    ['via', '1.0 edge, 2 strand-proxy'],
    ['x-forwarded-for', '198.51.100.1, 192.0.2.7'],
    ['x-forwarded-proto', 'https'],
    ['x-forwarded-host', 'example.test:8443'],
  ]);
});

test('upstream HTTP/2 headers: pseudo-headers first, cookies kept as crumbs, TE: trailers kept, Connection-named dropped', () => {
  const out = upstreamRequestHeaders(head([['connection', 'x-a, close'], ['x-a', '1'], ['x-b', '2'], ['te', 'trailers, deflate'], ['cookie', 'a=1'], ['cookie', 'b=2'], ['host', 'ignored'], ['upgrade', 'h2c'], ['http2-settings', 'AA']], { version: 1 }), TO_H2);
  assert.equal(out.slice(0, 4), [[':method', 'GET'], [':scheme', 'http'], [':authority', 'example.test:8443'], [':path', '/p?q=1']]);
  const regular = out.slice(4).filter(([n]) => n !== 'x-request-id');
  assert.equal(regular, [
    ['x-b', '2'],
    ['cookie', 'a=1'],
    ['cookie', 'b=2'],
    ['te', 'trailers'],
    ['via', '1.1 strand-proxy'],
    ['x-forwarded-for', '192.0.2.7'],
    ['x-forwarded-proto', 'https'],
    ['x-forwarded-host', 'example.test:8443'],
  ]);
  assert.match(requestIdOf(out), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('WebSocket upgrade keeps Connection: upgrade / Upgrade', () => {
  const out = upstreamRequestHeaders(head([['connection', 'Upgrade'], ['upgrade', 'websocket'], ['sec-websocket-key', 'k']]), { ...TO_H1, upgrade: 'websocket' });
  assert.ok(out.some(([n, v]) => n === 'connection' && v === 'upgrade'));
  assert.ok(out.some(([n, v]) => n === 'upgrade' && v === 'websocket'));
  assert.ok(out.some(([n]) => n === 'sec-websocket-key'));
});

test('response headers: hop-by-hop and Connection-named fields dropped, Via appended; trailers filtered', () => {
  const out = downstreamResponseHeaders([[':status', '200'], ['connection', 'x-secret'], ['x-secret', '1'], ['keep-alive', 'timeout=5'], ['transfer-encoding', 'chunked'], ['via', '1.1 backend'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']], 1);
  assert.equal(out, [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['via', '1.1 backend, 1.1 strand-proxy']]);
  assert.equal(forwardableTrailers([['grpc-status', '0'], ['content-length', '3'], [':status', '200'], ['x-sum', 'a']]), [['grpc-status', '0'], ['x-sum', 'a']]);
  assert.equal(fromRawHeaders(['X-A', '1', 'b', '2']), [['x-a', '1'], ['b', '2']]);
  assert.equal(toRawHeaders([['x-a', '1']]), ['x-a', '1']);
});

test('isHopByHop: exactly the nine always-removed names (RFC 9110 §7.6.1), nothing of the same length', () => {
  const hop = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings', 'proxy-authenticate', 'proxy-authorization'];
  for (const name of hop) assert.is(isHopByHop(name), true, name);
  // One letter changed, or the same length: still forwarded.
  const near = ['tf', 'td', 'upgradf', 'connectioN', 'connectiom', 'keep-alivf', 'http2-settingz', 'proxy-connectiom', 'transfer-encodinh', 'proxy-authenticatf', 'proxy-authorizatioo', 'accept', 'via', 'cookie', 'x-forwarded-for', 'content-length', ''];
  for (const name of near) assert.is(isHopByHop(name), false, name);
  // Lowercase names only (HeaderList names are lowercase): an uppercase spelling is not this function's business.
  assert.is(isHopByHop('Connection'), false);
});

test('connectionNamed and teHasTrailers', () => {
  assert.is(connectionNamed([['connection', 'close, keep-alive']]), null);
  assert.equal([...connectionNamed([['connection', 'X-A , x-b'], ['connection', 'x-c']])!], ['x-a', 'x-b', 'x-c']);
  assert.ok(teHasTrailers('gzip, Trailers'));
  assert.not.ok(teHasTrailers('gzip'));
});

test('checkRequestHead: the smuggling floor', () => {
  const ok = head([['content-length', '5']]);
  assert.is(checkRequestHead(ok), '');
  const cases: Array<[Partial<RequestHead>, string]> = [
    [{ method: 'G T' }, 'invalid method'],
    [{ path: 'relative' }, 'invalid request target'],
    [{ path: '/a b' }, 'invalid request target'],
    [{ path: '/a\u0000' }, 'invalid request target'],
    [{ authority: '' }, 'missing Host'],
    [{ authority: 'user@host' }, 'invalid Host'],
    [{ authority: 'host/path' }, 'invalid Host'],
    [{ headers: [['content-length', '1'], ['content-length', '2']] }, 'conflicting content-length'],
    [{ headers: [['content-length', '-1']] }, 'invalid content-length'],
    [{ headers: [['x', 'a\rb']] }, 'invalid value of x'],
    [{ headers: [['x y', 'a']] }, 'invalid field name'],
    [{ headers: [['host', 'a'], ['host', 'b']] }, 'more than one Host'],
  ];
  for (const [patch, reason] of cases) assert.is(checkRequestHead({ ...ok, ...patch }), reason, JSON.stringify(patch));
  assert.is(checkRequestHead({ ...ok, method: 'OPTIONS', path: '*' }), '');
  assert.is(checkRequestHead({ ...ok, method: 'CONNECT', protocol: 'websocket', path: '/chat' }), '');
});

test('checkRequestHead: the very first head a process checks is refused without Host (nothing remembered yet)', async () => {
  // A module instance of its own, so no earlier head has been remembered.
  const fresh: string = '../src/translate/validate.js?first-head';
  const { checkRequestHead: firstCheck } = (await import(fresh)) as typeof import('../src/translate/validate.js');
  assert.is(firstCheck(head([], { authority: '' })), 'missing Host');
});

test('checkRequestHead: fields remembered as checked never let a different, invalid one through', () => {
  const good = head([['accept', '*/*'], ['user-agent', 'ua 1'], ['x-a', 'v']]);
  for (let i = 0; i < 3; i++) assert.is(checkRequestHead(good), '');
  // Same positions, one character changed into something invalid: refused every time, whatever was seen before.
  for (let i = 0; i < 2; i++) {
    assert.is(checkRequestHead(head([['accept', '*/*'], ['user-agent', 'ua\u00001'], ['x-a', 'v']])), 'invalid value of user-agent');
    assert.is(checkRequestHead(head([['accept', '*/*'], ['user agent', 'ua 1'], ['x-a', 'v']])), 'invalid field name');
    assert.is(checkRequestHead(head([['accept', '*/*'], ['user-agent', 'ua 1'], ['x-a', 'v']], { path: '/p q' })), 'invalid request target');
    assert.is(checkRequestHead(head([['accept', '*/*'], ['user-agent', 'ua 1'], ['x-a', 'v']], { authority: 'a@b' })), 'invalid Host');
    assert.is(checkRequestHead(good), '');
  }
  // The same invalid head twice in a row: refused twice (nothing invalid is remembered).
  for (const [bad, reason] of [
    [head([['accept', 'a\rb']]), 'invalid value of accept'],
    [head([['acc ept', 'x']]), 'invalid field name'],
    [head([], { path: '/a b' }), 'invalid request target'],
    [head([], { authority: 'a/b' }), 'invalid Host'],
  ] as Array<[RequestHead, string]>) {
    assert.is(checkRequestHead(bad), reason);
    assert.is(checkRequestHead(bad), reason);
  }
  // A valid value seen at one position is no pass for an invalid one elsewhere, nor an invalid name for its value's sake.
  assert.is(checkRequestHead(head([['x-a', 'ua 1'], ['accept', 'a\rb']])), 'invalid value of accept');
  assert.is(checkRequestHead(head([['*/*', 'x']])), 'invalid field name');
  // Past the remembered positions every field is still checked.
  const many: HeaderList = Array.from({ length: 40 }, (_, i) => [`x-${i}`, 'v'] as [string, string]);
  assert.is(checkRequestHead(head(many)), '');
  many[39] = ['x-39', 'v\n'];
  assert.is(checkRequestHead(head(many)), 'invalid value of x-39');
  many[39] = ['x 39', 'v'];
  assert.is(checkRequestHead(head(many)), 'invalid field name');
});

test('field values: any string with CR, LF or NUL is refused (property)', () => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom('\r', '\n', '\u0000'), fc.string(), (a, bad, b) => !isFieldValue(a + bad + b)),
    { numRuns: 1000 },
  );
  fc.assert(fc.property(fc.stringMatching(/^[!#$%&'*+.^_`|~0-9a-z-]+$/), (name) => isToken(name)), { numRuns: 1000 });
});

test('preface sniffing: h2 only after all 24 bytes, h1 at the first differing byte', () => {
  const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
  assert.is(classify(preface.subarray(0, 10)), '');
  assert.is(classify(preface), 'h2');
  assert.is(classify(Buffer.concat([preface, Buffer.from([0, 0, 0])])), 'h2');
  assert.is(classify(Buffer.from('GET / HTTP/1.1\r\n')), 'h1');
  assert.is(classify(Buffer.from('PRI * HTTP/1.1')), 'h1');
  assert.is(classify(Buffer.from('P')), '');
});

test('gRPC status helpers', () => {
  assert.is(grpcStatusForHttp(503), GrpcStatus.UNAVAILABLE);
  assert.is(grpcStatusForHttp(504), GrpcStatus.DEADLINE_EXCEEDED);
  assert.is(grpcStatusForHttp(404), GrpcStatus.UNIMPLEMENTED);
  assert.is(grpcStatusForHttp(418), GrpcStatus.UNKNOWN);
  assert.is(encodeGrpcMessage('a%b é\n'), 'a%25b %C3%A9%0A');
  assert.equal(grpcTrailersOnly(14, 'down'), [['content-type', 'application/grpc'], ['grpc-status', '14'], ['grpc-message', 'down']]);
  assert.is(parseGrpcTimeout('100m'), 100);
  assert.is(parseGrpcTimeout('2S'), 2000);
  assert.is(parseGrpcTimeout('1H'), 3_600_000);
  assert.is(parseGrpcTimeout('1500u'), 2);
  assert.is(parseGrpcTimeout('123456789m'), -1);
  assert.is(parseGrpcTimeout('10x'), -1);
  assert.is(parseGrpcTimeout(undefined), -1);
  assert.is(formatGrpcTimeout(250.7), '250m');
});

test('gRPC-Web: modes, header bridging, trailer frame bytes', () => {
  assert.is(grpcWebMode('application/grpc'), null);
  assert.equal(grpcWebMode('application/grpc-web-text+proto'), { text: true, clientContentType: 'application/grpc-web-text+proto' });
  const mode = grpcWebMode('application/grpc-web+json')!;
  assert.equal(bridgeRequestHeaders([['content-type', 'application/grpc-web+json'], ['content-length', '9'], ['x-grpc-web', '1'], ['x', 'y']], mode), [['x', 'y'], ['content-type', 'application/grpc+json'], ['te', 'trailers']]);
  assert.equal(bridgeResponseHeaders([['content-type', 'application/grpc+json'], ['content-length', '4']], mode), [['content-type', 'application/grpc-web+json']]);
  assert.equal([...trailerFrame([['grpc-status', '0'], ['Grpc-Message', 'ok']])], [0x80, 0, 0, 0, 34, ...Buffer.from('grpc-status: 0\r\ngrpc-message: ok\r\n')]);
});

test('base64 streaming codec round-trips any chunking (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(50), { maxLength: 10 }), (bytes, cuts) => {
      const enc = new Base64Encoder();
      const parts: Uint8Array[] = [];
      let at = 0;
      for (const c of cuts) {
        const end = Math.min(bytes.length, at + c);
        parts.push(enc.push(bytes.subarray(at, end)));
        at = end;
      }
      parts.push(enc.push(bytes.subarray(at)), enc.flush());
      const text = Buffer.concat(parts).toString();
      if (text !== Buffer.from(bytes).toString('base64')) return false;
      const dec = new Base64Decoder();
      const out: Uint8Array[] = [];
      for (let i = 0; i < text.length; i += 7) out.push(dec.push(Buffer.from(text.slice(i, i + 7))));
      return !dec.incomplete && Buffer.concat(out).equals(Buffer.from(bytes));
    }),
    { numRuns: 1000 },
  );
  // Padding in the middle (one base64 run per message) decodes too.
  const dec = new Base64Decoder();
  const two = Buffer.from(Buffer.from('ab').toString('base64') + Buffer.from('cde').toString('base64'));
  assert.is(Buffer.from(dec.push(two)).toString(), 'abcde');
});

test('LazyHeaderMap: filled on first read, repeated fields joined (cookies with "; ")', () => {
  const m = new LazyHeaderMap([['a', '1'], ['cookie', 'x=1'], ['a', '2'], ['cookie', 'y=2']]);
  assert.is(m.get('a'), '1, 2');
  assert.is(m.get('cookie'), 'x=1; y=2');
  assert.ok(m.has('a'));
  assert.is(m.size, 2);
  assert.equal([...m], [['a', '1, 2'], ['cookie', 'x=1; y=2']]);
  assert.equal([...new LazyHeaderMap([['k', 'v']]).keys()], ['k']);
  assert.equal([...new LazyHeaderMap([['k', 'v']]).values()], ['v']);
  assert.equal([...new LazyHeaderMap([['k', 'v']]).entries()], [['k', 'v']]);
  const seen: string[] = [];
  new LazyHeaderMap([['k', 'v']]).forEach((v, k) => seen.push(`${k}=${v}`));
  assert.equal(seen, ['k=v']);
});

test('gRPC health request encoding', () => {
  assert.equal([...healthCheckRequest('')], [0, 0, 0, 0, 0]);
  assert.equal([...healthCheckRequest('svc')], [0, 0, 0, 0, 5, 0x0a, 3, 0x73, 0x76, 0x63]);
});

test('request ids: RFC 9562 version 4 shape at every counter range, distinct per counter value', () => {
  const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const values = [0, 1, 0xfff, 2 ** 48 - 1, 2 ** 48, 2 ** 48 + 5, 2 ** 53 - 1];
  const ids = values.map(formatRequestId);
  for (const id of ids) assert.match(id, shape);
  assert.is(new Set(ids).size, values.length);
  assert.is(ids[4]!.slice(19), '8001-000000000000');
  assert.is(ids[6]!.slice(19), '801f-ffffffffffff');
});

test('request ids from nextRequestId count up by one across blocks of 256, in the same shape', () => {
  const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8000-[0-9a-f]{12}$/;
  const first = nextRequestId();
  let previous = parseInt(first.slice(24), 16);
  const head = first.slice(0, 24);
  for (let i = 0; i < 700; i++) {
    const id = nextRequestId();
    assert.match(id, shape);
    assert.is(id.slice(0, 24), head);
    const n = parseInt(id.slice(24), 16);
    assert.is(n, previous + 1, id);
    assert.is(id, formatRequestId(n));
    previous = n;
  }
});

test('base64 encoder keeps no view of a chunk: the bytes it carries are its own', () => {
  const enc = new Base64Encoder();
  const read = Buffer.from('abcde'); // 5 bytes: 'de' is carried to the next push
  const first = Buffer.from(enc.push(read)).toString();
  read.fill(0x7a); // the read buffer is written over, as a reused slab is
  const rest = Buffer.from(enc.push(Buffer.from('f'))).toString() + Buffer.from(enc.flush()).toString();
  assert.is(first + rest, Buffer.from('abcdef').toString('base64'));
});

test.run();
