// The HTTP/1.1 request head as bytes: exact octets, the length computed up front, chars written as their low octet.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requestHeadBytes } from '../src/upstream/h1-request-head.js';

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

test.run();
