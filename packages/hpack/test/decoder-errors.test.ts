// Malformed header blocks: each is an HpackError with an exact reason, after which the decoder is
// dead. Oversized header lists: HeaderListTooLargeError, with the decoder still in sync.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ByteWriter,
  Decoder,
  EmptyHeaderNameError,
  HeaderListTooLargeError,
  HpackError,
  type HpackErrorReason,
  HUFFMAN_ALWAYS,
  HUFFMAN_NEVER,
  writeInteger,
  writeStringLiteral,
} from '../src/index.js';
import { hex } from './support.js';

function expectHpackError(decoder: Decoder, block: Uint8Array, reason: HpackErrorReason): HpackError {
  try {
    decoder.decode(block);
  } catch (error) {
    assert.instance(error, HpackError);
    assert.is((error as HpackError).reason, reason, (error as Error).message);
    assert.is((error as HpackError).name, 'HpackError');
    return error as HpackError;
  }
  assert.unreachable(`expected HpackError ${reason}`);
  throw new Error('unreachable');
}

/** Decodes a block that must fail with a non-fatal error of `kind` (the decoder stays in sync). */
function expectThrown<E extends Error>(decoder: Decoder, block: Uint8Array, kind: new (...args: never[]) => E): E {
  try {
    decoder.decode(block);
  } catch (error) {
    assert.instance(error, kind);
    return error as E;
  }
  assert.unreachable(`expected ${kind.name}`);
  throw new Error('unreachable');
}

const expectTooLarge = (decoder: Decoder, block: Uint8Array) => expectThrown(decoder, block, HeaderListTooLargeError);

/** Each case: a block that must fail on a fresh decoder (after `setup`). */
const malformed: Array<{ title: string; wire: string; reason: HpackErrorReason; setup?: (d: Decoder) => void }> = [
  { title: 'truncated integer (prefix full, no continuation)', wire: 'ff', reason: 'truncated-integer' },
  { title: 'truncated integer (continuation bit on the last octet)', wire: 'ff 80', reason: 'truncated-integer' },
  { title: 'truncated integer in a string length', wire: '40 7f', reason: 'truncated-integer' },
  { title: 'integer above 2^31', wire: 'ff ff ff ff ff 0f', reason: 'integer-overflow' },
  { title: 'integer with too many continuation octets', wire: 'ff 80 80 80 80 80 00', reason: 'integer-overflow' },
  { title: 'indexed field with index 0', wire: '80', reason: 'invalid-index' },
  { title: 'index 62 with an empty dynamic table', wire: 'be', reason: 'invalid-index' },
  { title: 'index far past the tables', wire: 'ff 80 01', reason: 'invalid-index' },
  { title: 'literal name index past the tables (with indexing)', wire: '7e 01 61', reason: 'invalid-index' },
  { title: 'literal name index past the tables (without indexing)', wire: '0f 2f 01 61', reason: 'invalid-index' },
  { title: 'size update above the limit', wire: '3f e2 1f', reason: 'table-size-update-too-large' },
  { title: 'size update after a field', wire: '82 20', reason: 'table-size-update-misplaced' },
  { title: 'size update after a literal', wire: '01 00 20', reason: 'table-size-update-misplaced' },
  {
    title: 'missing size update after the limit was lowered',
    wire: '82',
    reason: 'table-size-update-missing',
    setup: (d) => d.setMaxTableSize(100),
  },
  {
    title: 'size update above a lowered limit',
    wire: '3f a9 01 82', // 200 > 100
    reason: 'table-size-update-too-large',
    setup: (d) => d.setMaxTableSize(100),
  },
  {
    title: 'lowered then raised: an update to the final size alone is not enough',
    wire: '3f e1 1f 82', // 4096 only; the peer must first go down to 0
    reason: 'table-size-update-missing',
    setup: (d) => {
      d.setMaxTableSize(0);
      d.setMaxTableSize(4096);
    },
  },
  {
    title: 'a block of updates only that still misses the required one',
    wire: '3f e1 1f',
    reason: 'table-size-update-missing',
    setup: (d) => {
      d.setMaxTableSize(0);
      d.setMaxTableSize(4096);
    },
  },
  { title: 'name string length past the end', wire: '40 05 61 62', reason: 'truncated-string' },
  { title: 'value string length past the end', wire: '01 03 61', reason: 'truncated-string' },
  { title: 'Huffman string length past the end', wire: '01 83 1f', reason: 'truncated-string' },
  { title: 'Huffman EOS inside the string', wire: '01 84 ff ff ff ff', reason: 'huffman-eos' },
  { title: 'Huffman EOS followed by more symbols', wire: '01 85 ff ff ff fc 1f', reason: 'huffman-eos' },
  { title: 'Huffman padding of 8 ones', wire: '01 81 ff', reason: 'huffman-padding-too-long' },
  { title: "Huffman padding longer than 7 bits after 'a'", wire: '01 82 1f ff', reason: 'huffman-padding-too-long' },
  { title: "Huffman padding not all ones after 'a'", wire: '01 81 18', reason: 'huffman-padding-invalid' },
  { title: 'Huffman padding with a zero bit in a name', wire: '40 81 1e 00', reason: 'huffman-padding-invalid' },
];

for (const c of malformed) {
  test(`HpackError: ${c.title}`, () => {
    const decoder = new Decoder();
    c.setup?.(decoder);
    expectHpackError(decoder, hex(c.wire), c.reason);
    // A connection error: the decoder refuses everything afterwards.
    expectHpackError(decoder, hex('82'), 'decoder-failed');
  });
}

test('the well-formed neighbours of those cases decode', () => {
  const decoder = new Decoder();
  assert.equal(decoder.decode(hex('3f e1 1f 82')), [[':method', 'GET']]); // update to exactly the limit
  assert.equal(decoder.decode(hex('20 3f e1 1f 82')), [[':method', 'GET']]); // two updates at the start
  assert.equal(decoder.decode(hex('01 81 1f')), [[':authority', 'a']]); // 'a' + 3 bits of padding
  assert.equal(decoder.decode(hex('01 80')), [[':authority', '']]); // empty Huffman string
  assert.equal(decoder.decode(hex('bd')), [['www-authenticate', '']]); // index 61, the last static entry
  // Index 15 padded with zero continuation octets (5 of them, the most we accept), then an empty value.
  assert.equal(decoder.decode(hex('0f 80 80 80 80 00 00')), [['accept-charset', '']]);
});

test('a lowered limit is satisfied by an update at or below it, then no update is needed', () => {
  const decoder = new Decoder();
  decoder.decode(hex('40 01 61 01 62')); // a: b, 35 octets
  assert.is(decoder.tableLength, 1);
  decoder.setMaxTableSize(10);
  assert.equal(decoder.decode(hex('2a 82')), [[':method', 'GET']]); // update to 10 evicts
  assert.is(decoder.tableLength, 0);
  assert.is(decoder.tableMaxSize, 10);
  assert.equal(decoder.decode(hex('82')), [[':method', 'GET']]);
  // Raising the limit requires nothing; the peer may keep its smaller table.
  decoder.setMaxTableSize(8192);
  assert.equal(decoder.decode(hex('82')), [[':method', 'GET']]);
  assert.is(decoder.tableMaxSize, 10);
  // Lowering to a value at or above the table's current size requires nothing either.
  decoder.setMaxTableSize(1000);
  assert.equal(decoder.decode(hex('82')), [[':method', 'GET']]);
  // Lowered then raised: min-then-final updates.
  decoder.setMaxTableSize(0);
  decoder.setMaxTableSize(4096);
  assert.equal(decoder.decode(hex('20 3f e1 1f 82')), [[':method', 'GET']]);
  assert.is(decoder.tableMaxSize, 4096);
});

function literalBlock(fields: Array<[number, string, string]>, huffman = HUFFMAN_NEVER): Uint8Array {
  const w = new ByteWriter();
  for (const [pattern, name, value] of fields) {
    writeInteger(w, 0, pattern === 0x40 ? 6 : 4, pattern);
    writeStringLiteral(w, name, huffman);
    writeStringLiteral(w, value, huffman);
  }
  return w.bytes().slice();
}

function repeatIndexed(index: number, times: number): Uint8Array {
  const w = new ByteWriter();
  for (let i = 0; i < times; i++) writeInteger(w, index, 7, 0x80);
  return w.bytes().slice();
}

test('HPACK bomb: one 4 KiB entry referenced 10 000 times fails fast, the decoder stays in sync', () => {
  const big = 'a'.repeat(4000);
  const decoder = new Decoder({ maxHeaderListSize: 65536 });
  assert.equal(decoder.decode(literalBlock([[0x40, 'x', big]])), [['x', big]]);
  assert.is(decoder.tableSize, 4033);

  const error = expectTooLarge(decoder, repeatIndexed(62, 10_000));
  assert.is(error.size, 10_000 * 4033);
  assert.is(error.limit, 65536);
  assert.ok(error.farOverLimit);
  assert.is(error.name, 'HeaderListTooLargeError');

  // Not a connection error: the next block decodes against the same table.
  assert.equal(decoder.decode(hex('be 82')), [['x', big], [':method', 'GET']]);
  assert.is(decoder.tableLength, 1);
});

test('over the list limit, entries added later in the block still reach the table', () => {
  const decoder = new Decoder({ maxHeaderListSize: 100 });
  const block = literalBlock(
    [
      [0x00, 'big', 'v'.repeat(70)], // 32 + 3 + 70 = 105 > 100
      [0x10, 'never', 'x'], // counted, not materialised
      [0x40, 'k', 'v'], // must still be added
    ],
    HUFFMAN_ALWAYS,
  );
  const error = expectTooLarge(decoder, block);
  assert.is(error.size, 105 + 38 + 34);
  assert.is(error.limit, 100);
  assert.not.ok(error.farOverLimit);
  assert.equal(decoder.tableEntries(), [['k', 'v']]);
  assert.equal(decoder.decode(hex('be')), [['k', 'v']]);
});

test('a list exactly at the limit passes; one octet more fails', () => {
  const decoder = new Decoder({ maxHeaderListSize: 32 + 7 + 3 });
  assert.equal(decoder.decode(hex('82')), [[':method', 'GET']]);
  decoder.setMaxHeaderListSize(32 + 7 + 3 - 1);
  const error = expectTooLarge(decoder, hex('82'));
  assert.is(error.size, 42);
  decoder.setMaxHeaderListSize(Infinity);
  assert.equal(decoder.decode(hex('82 82')), [[':method', 'GET'], [':method', 'GET']]);
});

test('malformed data after the list limit is passed is still an HpackError', () => {
  const decoder = new Decoder({ maxHeaderListSize: 10 });
  expectHpackError(decoder, hex('82 01 81 18'), 'huffman-padding-invalid');
  const other = new Decoder({ maxHeaderListSize: 10 });
  expectHpackError(other, hex('82 00 03 61'), 'truncated-string');
});

const expectEmptyName = (decoder: Decoder, block: Uint8Array) => expectThrown(decoder, block, EmptyHeaderNameError);

test('empty names: allowed by default (RFC 7541), rejected after the block with rejectEmptyNames', () => {
  const block = literalBlock([
    [0x00, 'a', '1'],
    [0x00, '', 'x'], // field 1: the first empty name
    [0x40, 'k', 'v'], // still added to the table
    [0x10, '', 'y'],
  ]);
  assert.equal(new Decoder().decode(block), [['a', '1'], ['', 'x'], ['k', 'v'], ['', 'y']]);

  const decoder = new Decoder({ rejectEmptyNames: true });
  const error = expectEmptyName(decoder, block);
  assert.is(error.fieldIndex, 1);
  assert.is(error.message, 'empty header field name (field 1)');
  // Not a connection error: the table took the indexed literal and the next block decodes against it.
  assert.equal(decoder.tableEntries(), [['k', 'v']]);
  assert.equal(decoder.decode(hex('be 82')), [['k', 'v'], [':method', 'GET']]);
});

test('empty names: passing the list limit later in the block still reports the size (bombs stay GOAWAY-able)', () => {
  const decoder = new Decoder({ rejectEmptyNames: true, maxHeaderListSize: 100 });
  const error = expectTooLarge(decoder, literalBlock([[0x00, '', 'x'], [0x00, 'big', 'v'.repeat(70)]]));
  assert.is(error.size, 33 + 105);
  const again = expectTooLarge(decoder, literalBlock([[0x00, '', 'x'], [0x40, 'big', 'v'.repeat(70)]]));
  assert.is(again.size, 33 + 105);
  assert.equal(decoder.tableEntries(), [['big', 'v'.repeat(70)]]);
});

test('empty names: malformed data after the first empty name is still an HpackError', () => {
  expectHpackError(new Decoder({ rejectEmptyNames: true }), hex('00 00 00 82 00 03 61'), 'truncated-string');
});

test('invalid settings are RangeErrors', () => {
  assert.throws(() => new Decoder({ maxTableSize: -1 }), RangeError);
  assert.throws(() => new Decoder({ maxTableSize: 1.5 }), RangeError);
  assert.throws(() => new Decoder({ maxHeaderListSize: -5 }), RangeError);
  assert.throws(() => new Decoder().setMaxTableSize(2 ** 32), RangeError);
  assert.throws(() => new Decoder().setMaxHeaderListSize(NaN), RangeError);
});

test('the decoder keeps no reference to a block it decoded, whether the block was good or bad', () => {
  const heldBytes = (d: Decoder) => (d as unknown as { reader: { bytes: Uint8Array } }).reader.bytes.length;
  const read = new Uint8Array(64 * 1024); // a socket read the block is a view of
  read.set([0x82, 0x86, 0x84], 100); // :method GET, :scheme http, :path /
  const decoder = new Decoder();
  assert.equal(decoder.decode(read.subarray(100, 103)), [[':method', 'GET'], [':scheme', 'http'], [':path', '/']]);
  assert.is(heldBytes(decoder), 0);
  read.set([0x80], 200); // index 0: invalid
  assert.throws(() => decoder.decode(read.subarray(200, 201)), (e: unknown) => e instanceof HpackError);
  assert.is(heldBytes(decoder), 0);
});

test.run();
