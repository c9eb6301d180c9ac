// Review: a block cached while the table size was 0 uses "literal with incremental indexing" (the shorter prefix)
// for fields that the encoder does not insert; replayed after the table grew, the peer's decoder inserts them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decoder, Encoder } from '../src/index.js';

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

test.run();
