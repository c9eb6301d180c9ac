// Property tests: random header lists through Encoder → Decoder, with SETTINGS_HEADER_TABLE_SIZE
// changes between blocks applied to both sides as an ACKed SETTINGS would be.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decoder, Encoder, type HeaderField } from '../src/index.js';

const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&*+^`|~'.split(''));
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(':path', ':authority', 'user-agent', 'cookie', 'set-cookie', 'authorization', 'date', 'x-request-id', 'content-type', 'accept') },
  { weight: 2, arbitrary: fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 }) },
);
const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const value = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('', 'GET', '/', '/index.html?x=1', 'gzip, deflate', 'text/html; charset=utf-8') },
  { weight: 3, arbitrary: fc.string({ unit: latin1Char, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: latin1Char, minLength: 100, maxLength: 600 }) },
);
const field: fc.Arbitrary<HeaderField> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(name, value) },
  { weight: 1, arbitrary: fc.tuple(name, value, fc.boolean()) },
);
/** A block, optionally preceded by 1–2 SETTINGS_HEADER_TABLE_SIZE changes. */
const step = fc.record({
  sizes: fc.array(fc.constantFrom(0, 1, 64, 256, 1000, 4096, 10_000), { maxLength: 2 }),
  fields: fc.array(field, { maxLength: 12 }),
});

test('random header lists round-trip with table size changes between blocks (1000 runs)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('auto', 'always', 'never'),
      fc.constantFrom('default', 'all'),
      fc.constantFrom(0, 256, 4096),
      fc.array(step, { minLength: 1, maxLength: 6 }),
      (huffman, indexing, initialSize, steps) => {
        const encoder = new Encoder({ maxTableSize: initialSize, huffman, indexing });
        const decoder = new Decoder({ maxTableSize: initialSize });
        for (const { sizes, fields } of steps) {
          for (const size of sizes) {
            encoder.setMaxTableSize(size);
            decoder.setMaxTableSize(size);
          }
          const expected = fields.map(([n, v]) => [n, v]);
          assert.equal(decoder.decode(encoder.encode(fields)), expected);
          assert.is(decoder.tableSize, encoder.tableSize);
          assert.is(decoder.tableLength, encoder.tableLength);
          assert.ok(encoder.tableSize <= encoder.tableMaxSize);
        }
        assert.equal(decoder.tableEntries(), encoder.tableEntries());
      },
    ),
    { numRuns: 1000 },
  );
});

test('the decoder never throws anything but HpackError/HeaderListTooLargeError on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 200 }), (bytes, listLimit) => {
      const decoder = new Decoder({ maxHeaderListSize: listLimit });
      try {
        decoder.decode(bytes);
      } catch (error) {
        const name = (error as Error).name;
        assert.ok(name === 'HpackError' || name === 'HeaderListTooLargeError', `${name}: ${(error as Error).message}`);
      }
    }),
    { numRuns: 1000 },
  );
});

test("few names and values through a tiny table: every eviction order keeps the encoder's lookups right", () => {
  // Three names (one of them most of the time) × four values, 'all' indexing, a table that holds about three entries: the same (name, value) comes
  // back after its entry was evicted while the name has other live entries — where a stale lookup would show.
  const pair = fc.tuple(fc.constantFrom('x-a', 'x-a', 'x-a', 'x-b', 'date'), fc.constantFrom('1', '22', '333', '4444'));
  fc.assert(
    fc.property(fc.array(fc.array(pair, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 60 }), (blocks) => {
      const encoder = new Encoder({ maxTableSize: 120, huffman: 'never', indexing: 'all' });
      const decoder = new Decoder({ maxTableSize: 120 });
      for (const fields of blocks) {
        assert.equal(decoder.decode(encoder.encode(fields)), fields);
        assert.equal(decoder.tableEntries(), encoder.tableEntries());
      }
    }),
    { numRuns: 2000 },
  );
});

test.run();
