// Review: a block cached while the table size was 0 uses "literal with incremental indexing" (the shorter prefix)
// for fields that the encoder does not insert; replayed after the table grew, the peer's decoder inserts them.
import { test } from 'uvu';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { Decoder, Encoder } from '../src/index.js';
import { exchangeInStep } from './support.js';

test('a block cached at table size 0 is not replayed after the table grew', () => {
  const enc = new Encoder();
  const dec = new Decoder();
  enc.setMaxTableSize(0);
  dec.setMaxTableSize(0);
  const a: Array<[string, string]> = [['date', 'Sun, 22 Nov 2026 15:26:25 GMT']];
  const b: Array<[string, string]> = [[':status', '200']];
  for (let i = 0; i < 3; i++) assert.equal(dec.decode(enc.encode(a)), a);
  enc.setMaxTableSize(4096);
  dec.setMaxTableSize(4096);
  assert.equal(dec.decode(enc.encode(b)), b); // the size update, nothing inserted
  const again = enc.encode(a);
  assert.equal(dec.decode(again), a);
  assert.equal(dec.tableEntries(), enc.tableEntries());
  // The same bytes as an encoder without a cache in the same state.
  const control = new Encoder({ maxTableSize: 4096 });
  assert.is(Buffer.from(again).toString('hex'), Buffer.from(control.encode(a)).toString('hex'));
});

test('property: two lists, table size toggling through 0: decoder and encoder tables stay in step', () => {
  const field = fc.tuple(fc.constantFrom(':status', 'date', 'x-id', 'content-type'), fc.constantFrom('200', 'a', 'text/plain'));
  const list = fc.array(field, { maxLength: 3 });
  const step = fc.oneof({ weight: 4, arbitrary: fc.nat(1).map((i) => ({ pick: i })) }, { weight: 1, arbitrary: fc.constantFrom(0, 4096).map((size) => ({ size })) });
  fc.assert(
    fc.property(list.filter((l) => l.length > 0), list, fc.array(step, { maxLength: 10 }), (a, b, steps) =>
      exchangeInStep(steps.map((s) => ('size' in s ? s : { list: s.pick === 0 ? a : b }))),
    ),
    { numRuns: 1000 },
  );
});

test.run();
