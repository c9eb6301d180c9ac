// Decoder option shareIndexedFields: an indexed field is the table entry's one tuple, handed out again for every
// block that indexes it; without the option every field is a new tuple. Sharing must never change what is decoded:
// the whole corpus decodes to the same lists, and a tuple never outlives its entry (eviction, growth, size updates).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decoder, Encoder } from '../src/index.js';
import { corpusFolders, headerList, hex, readStories } from './support.js';

/** JSON strings are text; on the wire they are UTF-8 octets, which we decode one char per octet. */
function asOctets(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

const bytes = (...b: number[]) => new Uint8Array(b);

test('an indexed static field is the same tuple in every list; without the option a new one each time', () => {
  const shared = new Decoder({ shareIndexedFields: true });
  const a = shared.decode(bytes(0x82)); // :method GET, static index 2
  const b = shared.decode(bytes(0x82));
  assert.equal(a, [[':method', 'GET']]);
  assert.ok(a[0] === b[0], 'shared tuple');
  assert.ok(a !== b, 'the lists themselves are new');
  const plain = new Decoder();
  const c = plain.decode(bytes(0x82));
  const d = plain.decode(bytes(0x82));
  assert.equal(c, d);
  assert.ok(c[0] !== d[0], 'a new tuple per field by default');
});

test('a literal with incremental indexing returns the tuple later indexed references share', () => {
  const encoder = new Encoder({ huffman: 'never', indexing: 'all' });
  const decoder = new Decoder({ shareIndexedFields: true });
  const first = decoder.decode(encoder.encode([['x-custom', 'one']])); // inserted: 0x40 literal
  const again = decoder.decode(encoder.encode([['x-custom', 'one']])); // indexed: 0xbe (62)
  assert.equal(again, [['x-custom', 'one']]);
  assert.ok(first[0] === again[0]);
});

test('literals without indexing are new tuples even when sharing', () => {
  const decoder = new Decoder({ shareIndexedFields: true });
  // §6.2.2 without indexing, new name "a", value "b": 0x00 0x01 'a' 0x01 'b'
  const a = decoder.decode(bytes(0x00, 0x01, 0x61, 0x01, 0x62));
  const b = decoder.decode(bytes(0x00, 0x01, 0x61, 0x01, 0x62));
  assert.equal(a, [['a', 'b']]);
  assert.ok(a[0] !== b[0]);
});

test('an evicted entry\'s slot hands out the new entry, never the old tuple', () => {
  // A table of 64 octets holds one entry of 32 + 2 + 2 at a time: each insert evicts the previous one, and the ring
  // reuses slots, so a stale tuple would show as the old value.
  const encoder = new Encoder({ maxTableSize: 64, huffman: 'never', indexing: 'all' });
  const decoder = new Decoder({ maxTableSize: 64, shareIndexedFields: true });
  for (let i = 0; i < 40; i++) {
    const value = String.fromCharCode(0x61 + (i % 26)) + String(i % 10);
    const inserted = decoder.decode(encoder.encode([['nm', value]]));
    const indexed = decoder.decode(encoder.encode([['nm', value]]));
    assert.equal(indexed, [['nm', value]], `round ${i}`);
    assert.ok(indexed[0] === inserted[0], `round ${i}`);
  }
});

test('tuples survive the ring growing and follow their entries', () => {
  const encoder = new Encoder({ huffman: 'never', indexing: 'all' });
  const decoder = new Decoder({ shareIndexedFields: true });
  const firstSeen = new Map<string, [string, string]>();
  // 40 entries: the ring starts at 8 slots and doubles twice with tuples already made.
  for (let i = 0; i < 40; i++) {
    const name = `n${i}`;
    const [field] = decoder.decode(encoder.encode([[name, `v${i}`]]));
    firstSeen.set(name, field!);
    // every earlier entry, indexed again, is still its own tuple
    for (let j = 0; j <= i; j += 7) {
      const [again] = decoder.decode(encoder.encode([[`n${j}`, `v${j}`]]));
      assert.equal(again, [`n${j}`, `v${j}`]);
      assert.ok(again === firstSeen.get(`n${j}`), `entry ${j} after ${i} inserts`);
    }
  }
});

test('a dynamic table size update to 0 drops the tuples with the entries', () => {
  const encoder = new Encoder({ huffman: 'never', indexing: 'all' });
  const decoder = new Decoder({ shareIndexedFields: true });
  const [before] = decoder.decode(encoder.encode([['x-a', '1']]));
  encoder.setMaxTableSize(0);
  encoder.setMaxTableSize(4096);
  decoder.setMaxTableSize(4096);
  const list = decoder.decode(encoder.encode([['x-a', '1']])); // size updates, then a fresh insert
  const [after] = decoder.decode(encoder.encode([['x-a', '1']]));
  assert.equal(list, [['x-a', '1']]);
  assert.ok(list[0] === after, 'the new entry is shared');
  assert.ok(before !== after, 'the evicted entry is not');
});

test('every corpus story decodes to the same lists with shared fields', () => {
  let cases = 0;
  let sharedSeen = 0;
  for (const folder of corpusFolders().filter((f) => f !== 'raw-data')) {
    for (const story of readStories(folder)) {
      const decoder = new Decoder({ shareIndexedFields: true });
      const seen = new Set<unknown>();
      story.cases.forEach((c, i) => {
        if (c.header_table_size !== undefined) decoder.setMaxTableSize(c.header_table_size);
        const list = decoder.decode(hex(c.wire!));
        const expected = headerList(c).map(([name, value]) => [asOctets(name), asOctets(value)]);
        assert.equal(list, expected, `${story.file} case ${i}`);
        for (const field of list) {
          if (seen.has(field)) sharedSeen++;
          seen.add(field);
        }
        cases++;
      });
    }
  }
  assert.is(cases, 20070);
  assert.ok(sharedSeen > 10_000, `tuples were shared (${sharedSeen})`);
});

test.run();
