// The process-wide cache of encoded one-off literals must be invisible: whatever it holds, the bytes written are the
// bytes writeStringLiteral would write for that value in that Huffman mode.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteWriter, Encoder, HUFFMAN_ALWAYS, HUFFMAN_AUTO, HUFFMAN_NEVER, writeStringLiteral } from '../src/index.js';
import { writeCachedStringLiteral } from '../src/literal-cache.js';
import { toHex } from './support.js';

function encoded(write: (w: ByteWriter, text: string, mode: number) => void, text: string, mode: number): string {
  const w = new ByteWriter(16);
  w.write(new Uint8Array([0xee])); // not at offset 0, as inside a header block
  write(w, text, mode);
  return toHex(w.bytes().subarray(1));
}

test('property: cached writes equal plain writes for any sequence of values and Huffman modes', () => {
  // A few values repeat (cache hits, including the same text in another mode); lengths cross 12 and 128.
  const value = fc.oneof(
    fc.constantFrom('Mon, 21 Oct 2013 20:13:21 GMT', 'Mon, 21 Oct 2013 20:13:22 GMT', '"etag-abcdefgh"', 'short'),
    fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 140 }),
  );
  const mode = fc.constantFrom(HUFFMAN_AUTO, HUFFMAN_ALWAYS, HUFFMAN_NEVER);
  fc.assert(
    fc.property(fc.array(fc.tuple(value, mode), { maxLength: 40 }), (writes) => {
      for (const [text, m] of writes) assert.is(encoded(writeCachedStringLiteral, text, m), encoded(writeStringLiteral, text, m));
    }),
    { numRuns: 1000 },
  );
});

test('an encoder sends a repeated date as the same literal without indexing (it stays out of the table)', () => {
  const encoder = new Encoder({ huffman: 'auto' });
  const date: [string, string] = ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'];
  const first = toHex(encoder.encode([date]));
  assert.is(toHex(encoder.encode([date])), first);
  assert.is(first.slice(0, 2), '0f'); // literal without indexing, static name index 33 (0f 12)
  assert.is(encoder.tableLength, 0);
});

test.run();
