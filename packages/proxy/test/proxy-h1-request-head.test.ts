// The HTTP/1.1 request head as bytes: exact octets, the length computed up front, chars written as their low octet.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestHeadCache, requestHeadBytes } from '../src/upstream/h1-request-head.js';

test('request line, fields, extra lines and the empty line, byte for byte', () => {
  const head = requestHeadBytes('POST', '/a?b=1', [['host', 'example.com'], ['x-y', '']], 'transfer-encoding: chunked\r\n');
  assert.is(
    head.toString('latin1'),
    'POST /a?b=1 HTTP/1.1\r\nhost: example.com\r\nx-y: \r\ntransfer-encoding: chunked\r\n\r\n',
  );
});

test('no fields and no extra: just the request line and the empty line', () => {
  assert.is(requestHeadBytes('GET', '/', [], '').toString('latin1'), 'GET / HTTP/1.1\r\n\r\n');
});

test("same octets as the 'latin1' string it replaces, for any fields (fast-check, 1000 runs)", () => {
  const text = fc.string({ unit: fc.integer({ min: 0, max: 0x17f }).map((c) => String.fromCharCode(c)), maxLength: 40 });
  fc.assert(
    fc.property(text, text, fc.array(fc.tuple(text, text), { maxLength: 8 }), fc.constantFrom('', 'content-length: 0\r\n'), (method, path, fields, extra) => {
      let expected = `${method} ${path} HTTP/1.1\r\n`;
      for (const [name, value] of fields) expected += `${name}: ${value}\r\n`;
      expected += `${extra}\r\n`;
      const head = requestHeadBytes(method, path, fields, extra);
      assert.equal(head, Buffer.from(expected, 'latin1')); // latin1 keeps each char's low octet, as the writer does
    }),
    { numRuns: 1000 },
  );
});

test('with a cache: every head is byte for byte what it is without one, across any sequence (fast-check, 1000 runs)', () => {
  // Few distinct names and values, so that consecutive heads share prefixes, tuples are reused and credentials,
  // differing request lines and heads past the cache's 2 KiB all occur.
  const name = fc.constantFrom('host', 'accept', 'via', 'authorization', 'cookie', 'x-a', 'proxy-authorization');
  const value = fc.oneof(fc.constantFrom('', '1', 'v', 'strand'), fc.string({ maxLength: 6 }), fc.constant('x'.repeat(900)));
  const pool = [['host', 'h'], ['via', '2 strand-proxy'], ['x-a', 'x'.repeat(900)]] as Array<[string, string]>;
  const field = fc.oneof(fc.tuple(name, value), fc.constantFrom(...pool));
  const head = fc.record({
    method: fc.constantFrom('GET', 'POST'),
    path: fc.constantFrom('/', '/a', '/b?c=1'),
    fields: fc.array(field, { maxLength: 6 }),
    extra: fc.constantFrom('', 'content-length: 0\r\n'),
  });
  fc.assert(
    fc.property(fc.array(head, { minLength: 1, maxLength: 12 }), (heads) => {
      const cache = new RequestHeadCache();
      for (const h of heads) {
        const cached = requestHeadBytes(h.method, h.path, h.fields, h.extra, cache);
        assert.equal(cached, requestHeadBytes(h.method, h.path, h.fields, h.extra));
      }
    }),
    { numRuns: 1000 },
  );
});

test('a cache copies what heads share, and never keeps a credential or anything after it', () => {
  const cache = new RequestHeadCache();
  const host: [string, string] = ['host', 'example.com'];
  const first = requestHeadBytes('GET', '/', [host, ['authorization', 'Bearer secret'], ['x-a', '1']], '', cache);
  assert.is(first.toString('latin1'), 'GET / HTTP/1.1\r\nhost: example.com\r\nauthorization: Bearer secret\r\nx-a: 1\r\n\r\n');
  assert.is(cache.fields.length, 1, 'only the fields before authorization');
  assert.equal(cache.fields, [host]);
  assert.not.ok(cache.bytes.subarray(0, 200).toString('latin1').includes('secret'));
  const second = requestHeadBytes('GET', '/', [host, ['x-request-id', 'b']], '', cache);
  assert.is(second.toString('latin1'), 'GET / HTTP/1.1\r\nhost: example.com\r\nx-request-id: b\r\n\r\n');
  assert.is(cache.fields.length, 2);
});

test('a head whose fields pass the cache size before a credential is not cached from stale offsets', () => {
  const cache = new RequestHeadCache();
  const big = (n: string): [string, string] => [n, n.repeat(900)];
  // first a short head, so that `ends` holds small offsets for positions 0–3
  const short: Array<[string, string]> = [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']];
  requestHeadBytes('GET', '/', short, '', cache);
  const long: Array<[string, string]> = [big('x'), big('y'), big('z'), ['w', '1'], ['authorization', 's']];
  const plain = requestHeadBytes('GET', '/', long, '');
  assert.equal(requestHeadBytes('GET', '/', long, '', cache), plain);
  assert.equal(requestHeadBytes('GET', '/', long, '', cache), plain, 'the next head too');
  assert.equal(requestHeadBytes('GET', '/', short, '', cache), requestHeadBytes('GET', '/', short, ''));
});

test.run();
