import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHeaderBlock, newBlockInfo, type BlockKind, type HeaderList } from '../src/engine/http-semantics.js';

const GET: HeaderList = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
  [':path', '/'],
];

function check(headers: HeaderList, kind: BlockKind = 'request', connectProtocol = false) {
  const info = newBlockInfo();
  return { error: checkHeaderBlock(headers, kind, info, connectProtocol), info };
}

test('valid request fills method and content-length', () => {
  const { error, info } = check([...GET, ['content-length', '12'], ['te', 'trailers']]);
  assert.is(error, '');
  assert.is(info.method, 'GET');
  assert.is(info.contentLength, 12);
});

test('values remembered from the previous block never excuse a bad value at the same position', () => {
  const ua = 'agent/1.0';
  const blocks: HeaderList[] = [
    [...GET, ['user-agent', ua]],
    [...GET, ['user-agent', ua]], // the same value: remembered as valid
    [...GET, ['user-agent', 'agent/1.0\r\nx-evil: 1']], // same position, a new value: checked
    [...GET, ['user-agent', 'agent/1.0\r\nx-evil: 1']], // failed values are not remembered: checked again
    [...GET, ['user-agent', ' agent/1.0']],
    [...GET, ['user-agent', ua]],
  ];
  assert.equal(
    blocks.map((b) => check(b).error),
    ['', '', 'NUL, CR or LF in the value of "user-agent"', 'NUL, CR or LF in the value of "user-agent"', 'leading or trailing whitespace in the value of "user-agent"', ''],
  );
});

test('valid response and trailers', () => {
  const response = check([[':status', '204'], ['x', 'y']], 'response');
  assert.is(response.error, '');
  assert.is(response.info.status, 204);
  assert.is(check([['grpc-status', '0']], 'trailers').error, '');
});

// Each row: a malformed block and the reason text we expect (RFC 9113 §8.2, §8.3).
const MALFORMED: Array<[string, HeaderList, BlockKind, string]> = [
  ['uppercase name', [...GET, ['X-Foo', 'a']], 'request', 'uppercase field name "X-Foo"'],
  ['empty name', [...GET, ['', 'a']], 'request', 'empty field name'],
  ['space in name', [...GET, ['x y', 'a']], 'request', 'invalid character in field name "x y"'],
  ['CR in value', [...GET, ['x', 'a\rb']], 'request', 'NUL, CR or LF in the value of "x"'],
  ['NUL in value', [...GET, ['x', 'a\0b']], 'request', 'NUL, CR or LF in the value of "x"'],
  ['leading space', [...GET, ['x', ' a']], 'request', 'leading or trailing whitespace in the value of "x"'],
  ['trailing tab', [...GET, ['x', 'a\t']], 'request', 'leading or trailing whitespace in the value of "x"'],
  ['connection', [...GET, ['connection', 'keep-alive']], 'request', 'connection-specific field "connection"'],
  ['transfer-encoding', [...GET, ['transfer-encoding', 'chunked']], 'request', 'connection-specific field "transfer-encoding"'],
  ['upgrade', [...GET, ['upgrade', 'h2c']], 'request', 'connection-specific field "upgrade"'],
  ['te gzip', [...GET, ['te', 'gzip']], 'request', 'te: "gzip" (only "trailers" is allowed)'],
  ['pseudo after regular', [[':method', 'GET'], ['x', '1'], [':scheme', 'http'], [':path', '/']], 'request', 'pseudo-header :scheme after a regular field'],
  ['unknown pseudo', [...GET, [':foo', 'x']], 'request', 'pseudo-header :foo in a request'],
  ['response pseudo in request', [...GET, [':status', '200']], 'request', 'pseudo-header :status in a request'],
  ['duplicate :path', [...GET, [':path', '/']], 'request', 'duplicate :path'],
  ['missing :method', GET.slice(1), 'request', 'missing :method'],
  ['missing :scheme', [GET[0]!, GET[2]!, GET[3]!], 'request', 'missing :scheme'],
  ['missing :path', GET.slice(0, 3), 'request', 'missing :path'],
  ['empty :path', [...GET.slice(0, 3), [':path', '']], 'request', 'empty :path'],
  ['relative :path', [...GET.slice(0, 3), [':path', 'a/b']], 'request', 'invalid :path "a/b"'],
  ['bad content-length', [...GET, ['content-length', '1x']], 'request', 'invalid content-length "1x"'],
  ['conflicting content-length', [...GET, ['content-length', '1'], ['content-length', '2']], 'request', 'invalid content-length "2"'],
  ['host differs', [...GET, ['host', 'other.com']], 'request', ':authority and host differ'],
  ['CONNECT with :path', [[':method', 'CONNECT'], [':authority', 'a:443'], [':path', '/']], 'request', 'CONNECT with :scheme or :path'],
  ['CONNECT without :authority', [[':method', 'CONNECT']], 'request', 'CONNECT without :authority'],
  [':protocol not enabled', [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':path', '/'], [':authority', 'a']], 'request', ':protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL'],
  ['pseudo in trailers', [[':status', '200']], 'trailers', 'pseudo-header :status in trailers'],
  ['missing :status', [['x', '1']], 'response', 'missing :status'],
  ['bad :status', [[':status', '20']], 'response', 'invalid :status "20"'],
  ['request pseudo in response', [[':status', '200'], [':path', '/']], 'response', 'pseudo-header :path in a response'],
  ['duplicate :status', [[':status', '200'], [':status', '200']], 'response', 'duplicate :status'],
  ['pushed POST', [[':method', 'POST'], [':scheme', 'https'], [':path', '/'], [':authority', 'a']], 'push-request', 'pushed request with method POST (must be safe and cacheable, §8.4)'],
];

for (const [label, headers, kind, reason] of MALFORMED) {
  test(`malformed: ${label}`, () => {
    assert.is(check(headers, kind).error, reason);
  });
}

test('CONNECT and extended CONNECT', () => {
  assert.is(check([[':method', 'CONNECT'], [':authority', 'a:443']]).error, '');
  const ws: HeaderList = [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':path', '/chat'], [':authority', 'a']];
  const { error, info } = check(ws, 'request', true);
  assert.is(error, '');
  assert.is(info.protocol, 'websocket');
  assert.is(check([[':method', 'GET'], ...ws.slice(1)], 'request', true).error, ':protocol on a non-CONNECT request');
});

test('OPTIONS * is allowed', () => {
  assert.is(check([[':method', 'OPTIONS'], [':scheme', 'http'], [':path', '*'], [':authority', 'a']]).error, '');
});

test('a name remembered at a position never lets another name at that position skip its class or its check', () => {
  // Each case first passes a regular field at position 4, then puts a field that must be caught at position 4.
  const cases: Array<[[string, string], string]> = [
    [['connection', 'close'], 'connection-specific field "connection"'],
    [['te', 'gzip'], 'te: "gzip" (only "trailers" is allowed)'],
    [['content-length', 'x'], 'invalid content-length "x"'],
  ];
  for (const [field, error] of cases) {
    assert.is(check([...GET, ['x-regular', '1']]).error, '');
    assert.is(check([...GET, ['x-regular', '1']]).error, '', 'remembered');
    assert.is(check([...GET, field]).error, error);
  }
  assert.is(check([...GET, ['x-regular', '1']]).error, '');
  assert.ok(check([...GET, ['X-Upper', '1']]).error !== '', 'an invalid name at a remembered position');
  // positions never filled by a valid name answer for none: an empty name is still refused everywhere
  assert.is(check([['', 'x']], 'trailers').error, 'empty field name');
  assert.is(check([...GET, ['', 'x']]).error, 'empty field name');
  assert.is(check([...GET, ['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['', 'x']]).error, 'empty field name');
  // and the remembered classes are per position: content-length elsewhere still counts
  const { error, info } = check([...GET, ['x-regular', '1'], ['content-length', '7']]);
  assert.is(error, '');
  assert.is(info.contentLength, 7);
});

test.run();
