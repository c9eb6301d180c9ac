// Indexed fields (§6.1) decode to the table's own frozen [name, value] pair: the same object in every block while
// the entry lives, a new one once it was evicted and re-added; literals are fresh pairs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decoder, Encoder } from '../src/index.js';

test('static and dynamic indexed fields are shared frozen pairs; literals are not', () => {
  const enc = new Encoder();
  const dec = new Decoder();
  const list: Array<[string, string]> = [[':method', 'GET'], ['user-agent', 'strand-test'], ['x-once', 'a']];
  const first = dec.decode(enc.encode(list)); // user-agent and x-once are inserted by this block
  const second = dec.decode(enc.encode(list)); // … and indexed by this one
  assert.equal(second, list);
  assert.is(first[0], second[0]); // static :method GET
  assert.ok(Object.isFrozen(second[0]) && Object.isFrozen(second[1]));
  const third = dec.decode(enc.encode(list));
  assert.is(third[1], second[1]); // the same dynamic entry, the same pair
  assert.not.ok(Object.isFrozen(first[1])); // a literal: the caller's own pair
  assert.throws(() => {
    (third[1] as [string, string])[1] = 'changed';
  });
  assert.equal(dec.decode(enc.encode(list)), list); // nothing leaked into the table
});

test('an evicted entry re-added gives a new pair with the new value', () => {
  const enc = new Encoder({ maxTableSize: 100 });
  const dec = new Decoder({ maxTableSize: 100 });
  const a = dec.decode(enc.encode([['x-a', 'one']]));
  const a2 = dec.decode(enc.encode([['x-a', 'one']]));
  dec.decode(enc.encode([['x-b', 'b'.repeat(40)]])); // evicts x-a (32 + 3 + 3 + 32 + 3 + 40 > 100)
  const b = dec.decode(enc.encode([['x-b', 'b'.repeat(40)]]));
  assert.equal(b, [['x-b', 'b'.repeat(40)]]);
  const again = dec.decode(enc.encode([['x-a', 'one']]));
  assert.equal(again, [['x-a', 'one']]);
  assert.is.not(again[0], a2[0]);
  assert.equal(a, a2);
});

test.run();
