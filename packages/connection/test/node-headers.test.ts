// Header objects ↔ engine lists, settings objects, constants: exact values, checked against node:http2 where it has
// the same function.
import * as nodeHttp2 from 'node:http2';
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RememberedValues } from '../src/engine/remembered-values.js';
import { toHeaderList, toHeaderObject } from '../src/node/headers.js';
import { toEngineSettings, toNodeSettings } from '../src/node/settings.js';
import { constants, defaultSettings, getDefaultSettings, getPackedSettings, getUnpackedSettings, sensitiveHeaders } from '../src/index.js';
import { codeOf } from './node-helpers.js';

test('toHeaderList: pseudo-headers first, names lowercased, arrays repeated, numbers as text, undefined skipped', () => {
  const list = toHeaderList({ 'Content-Type': 'text/plain', ':status': 200, 'set-cookie': ['a=1', 'b=2'], 'x-n': 5, skip: undefined }, 'response');
  assert.equal(list, [
    [':status', '200'],
    ['content-type', 'text/plain'],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
    ['x-n', '5'],
  ]);
});

test('toHeaderList: own fields only (inherited enumerable properties are not sent, as node reads Object.keys)', () => {
  const headers = Object.create({ 'x-inherited': 'yes' }) as Record<string, string>;
  headers['x-own'] = '1';
  assert.equal(toHeaderList(headers, 'response'), [['x-own', '1']]);
});

test('toHeaderList: non-ASCII values go out as their UTF-8 octets (one char per octet)', () => {
  const [[, value]] = toHeaderList({ 'x-city': 'Zürich' }, 'response') as Array<[string, string]>;
  assert.is(value, 'Z\u00c3\u00bcrich');
});

test('toHeaderList: sensitiveHeaders marks fields never-indexed (third element)', () => {
  const list = toHeaderList({ authorization: 'secret', 'x-a': '1', [sensitiveHeaders]: ['authorization'] } as never, 'request');
  assert.equal(list as unknown, [
    ['authorization', 'secret', true],
    ['x-a', '1'],
  ]);
});

test('toHeaderList: node errors for connection-specific fields, pseudo-headers, single values, tokens, CR/LF', () => {
  assert.is(codeOf(() => toHeaderList({ connection: 'keep-alive' }, 'response')), 'ERR_HTTP2_INVALID_CONNECTION_HEADERS');
  assert.is(codeOf(() => toHeaderList({ te: 'gzip' }, 'request')), 'ERR_HTTP2_INVALID_CONNECTION_HEADERS');
  assert.is(codeOf(() => toHeaderList({ 'HTTP2-Settings': 'AAAA' }, 'request')), 'ERR_HTTP2_INVALID_CONNECTION_HEADERS'); // node's list, not RFC 9113's
  assert.is(codeOf(() => toHeaderList({ 'Bad Name': 'x' }, 'request')), 'ERR_INVALID_HTTP_TOKEN');
  assert.equal(toHeaderList({ te: 'trailers' }, 'request'), [['te', 'trailers']]);
  assert.equal(toHeaderList({ connection: 'x', 'transfer-encoding': 'chunked', 'keep-alive': '1', ok: '1' }, 'response', 'drop'), [['ok', '1']]);
  assert.is(codeOf(() => toHeaderList({ ':path': '/' }, 'response')), 'ERR_HTTP2_INVALID_PSEUDOHEADER');
  assert.is(codeOf(() => toHeaderList({ ':status': '200' }, 'trailers')), 'ERR_HTTP2_INVALID_PSEUDOHEADER');
  assert.is(codeOf(() => toHeaderList({ 'content-type': ['a', 'b'] }, 'response')), 'ERR_HTTP2_HEADER_SINGLE_VALUE');
  assert.is(codeOf(() => toHeaderList({ 'bad name': 'x' }, 'response')), 'ERR_INVALID_HTTP_TOKEN');
  assert.is(codeOf(() => toHeaderList({ 'x-a': 'one\r\ntwo' }, 'response')), 'ERR_INVALID_CHAR');
});

test('toHeaderObject: node shapes (:status number, set-cookie array, cookie "; ", repeats ", ", single first), raw', () => {
  const raw: string[] = [];
  const h = toHeaderObject(
    [
      [':status', '404'],
      ['set-cookie', 'a=1'],
      ['cookie', 'x=1'],
      ['accept', 'text/html'],
      ['set-cookie', 'b=2'],
      ['cookie', 'y=2'],
      ['accept', 'application/json'],
      ['content-type', 'text/plain'],
      ['content-type', 'ignored'],
    ],
    raw,
  );
  assert.is(h[':status'], 404);
  assert.equal(h['set-cookie'], ['a=1', 'b=2']);
  assert.is(h.cookie, 'x=1; y=2');
  assert.is(h.accept, 'text/html, application/json');
  assert.is(h['content-type'], 'text/plain');
  assert.is(Object.getPrototypeOf(h), null);
  assert.equal((h as Record<symbol, unknown>)[sensitiveHeaders], []);
  assert.is(raw.length, 18);
  assert.equal(raw.slice(0, 4), [':status', '404', 'set-cookie', 'a=1']);
});

test('toHeaderObject: a value is UTF-8-decoded by its own octets, whatever came at its position in the lists before', () => {
  const utf8 = Buffer.from('café ✓', 'utf8').toString('latin1'); // the octets as the engine carries them
  const latin1Only = '\xe9t\xe9'; // not valid UTF-8: stays latin1
  const lists: Array<Array<[string, string]>> = [
    [[':method', 'GET'], ['x-a', 'plain']],
    [[':method', 'GET'], ['x-a', utf8]],
    [[':method', 'GET'], ['x-a', 'plain']],
    [[':method', 'GET'], ['x-a', utf8]],
    [[':method', 'GET'], ['x-a', utf8]], // the same non-ASCII value again at the same position: decoded again
    [[':method', 'GET'], ['x-a', latin1Only]],
    [[':method', 'GET'], ['x-a', latin1Only]],
  ];
  assert.equal(
    lists.map((l) => toHeaderObject(l)['x-a']),
    ['plain', 'café ✓', 'plain', 'café ✓', 'café ✓', latin1Only, latin1Only],
  );
});

test('RememberedValues: a value that did not pass holds its place; the positions after it are still remembered', () => {
  const remembered = new RememberedValues();
  remembered.add(0, 'GET');
  // Position 1 held a value that failed (not added): position 2 is remembered all the same.
  remembered.add(2, 'gzip');
  assert.ok(remembered.has(2, 'gzip'));
  assert.not.ok(remembered.has(1, 'gzip'), 'the gap matches no value');
  assert.not.ok(remembered.has(2, 'br'));
  remembered.add(31, 'last');
  remembered.add(32, 'past the end');
  assert.ok(remembered.has(31, 'last'));
  assert.not.ok(remembered.has(32, 'past the end'), 'the first 32 positions only');
});

test('toHeaderObject: names like __proto__, constructor and toString are plain fields; inspect shows a null prototype', () => {
  const h = toHeaderObject([
    ['__proto__', 'p'],
    ['constructor', 'c'],
    ['toString', 't'],
    ['constructor', 'd'],
  ]);
  assert.is(Object.getPrototypeOf(h), null);
  assert.equal(Object.keys(h), ['__proto__', 'constructor', 'toString']);
  assert.is(h['__proto__'], 'p');
  assert.is(h.constructor, 'c, d'); // repeats joined, as for any field: nothing inherited was mistaken for a first value
  assert.is(h.toString, 't');
  assert.ok(inspect(h).startsWith('[Object: null prototype] {'), inspect(h));
});

test('toHeaderObject: UTF-8 octets decode to text; other octets stay latin1', () => {
  const h = toHeaderObject([
    ['x-utf8', 'Z\u00c3\u00bcrich'],
    ['x-latin1', 'caf\u00e9'],
  ]);
  assert.is(h['x-utf8'], 'Zürich');
  assert.is(h['x-latin1'], 'café');
});

test('constants: every name both have holds the same value as node:http2', () => {
  const mine = constants as Record<string, unknown>;
  const theirs = nodeHttp2.constants as Record<string, unknown>;
  let shared = 0;
  for (const [name, value] of Object.entries(mine)) {
    if (!(name in theirs)) continue;
    shared++;
    assert.is(value, theirs[name], name);
  }
  assert.ok(shared >= 230, `${shared} shared constants`);
});

test('getPackedSettings/getUnpackedSettings: the same bytes as node, round trip', () => {
  const settings = { headerTableSize: 8192, enablePush: false, maxConcurrentStreams: 50, initialWindowSize: 1 << 20, maxFrameSize: 32768, maxHeaderListSize: 65536 };
  const packed = getPackedSettings(settings);
  assert.equal(packed, nodeHttp2.getPackedSettings(settings));
  const unpacked = getUnpackedSettings(packed);
  assert.equal(unpacked, { ...settings, maxHeaderSize: 65536 });
  assert.is(codeOf(() => getUnpackedSettings(new Uint8Array(5))), 'ERR_HTTP2_INVALID_PACKED_SETTINGS_LENGTH');
});

test('settings: node names → engine settings and back; range errors like node', () => {
  const engine = toEngineSettings({ maxHeaderSize: 1000, enableConnectProtocol: true, customSettings: { 0x99: 7 } });
  assert.is(engine.maxHeaderListSize, 1000);
  assert.is(engine.enableConnectProtocol, true);
  assert.equal([...engine.custom!], [[0x99, 7]]);
  assert.is(codeOf(() => toEngineSettings({ maxFrameSize: 100 })), 'ERR_HTTP2_INVALID_SETTING_VALUE');
  assert.is(codeOf(() => toEngineSettings({ initialWindowSize: 2 ** 31 })), 'ERR_HTTP2_INVALID_SETTING_VALUE');
  const back = toNodeSettings(defaultSettings());
  assert.is(back.maxConcurrentStreams, 4294967295, 'no limit shows as 2^32-1 as in node');
  assert.is(back.maxHeaderListSize, 4294967295);
  const defaults = getDefaultSettings();
  assert.is(defaults.maxConcurrentStreams, 100);
  assert.is(defaults.initialWindowSize, 1024 * 1024);
  assert.equal(Object.keys(defaults).sort(), Object.keys(nodeHttp2.getDefaultSettings()).sort());
});

test.run();
