import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePriority, serializePriority } from '../src/index.js';

const p = (urgency: number, incremental: boolean) => ({ urgency, incremental });
const DEFAULT = p(3, false);

test('RFC 9218 §4: u and i, with their defaults', () => {
  assert.equal(parsePriority(''), DEFAULT);
  assert.equal(parsePriority('u=0'), p(0, false));
  assert.equal(parsePriority('u=7'), p(7, false));
  assert.equal(parsePriority('i'), p(3, true));
  assert.equal(parsePriority('i=?1'), p(3, true));
  assert.equal(parsePriority('i=?0'), p(3, false));
  assert.equal(parsePriority('u=5, i'), p(5, true));
  assert.equal(parsePriority('i, u=1'), p(1, true));
});

test('whitespace: OWS around commas, leading and trailing spaces and tabs', () => {
  assert.equal(parsePriority('   u=2 ,\ti  '), p(2, true));
  assert.equal(parsePriority('\tu=2,i\t'), p(2, true));
  assert.equal(parsePriority('u=2,    i'), p(2, true));
  assert.equal(parsePriority('u=1;  a=2'), p(1, false), 'SP after ";" is allowed');
  assert.equal(parsePriority('   '), DEFAULT);
});

test('out-of-range or wrongly typed values are ignored, the rest stands', () => {
  assert.equal(parsePriority('u=8'), DEFAULT);
  assert.equal(parsePriority('u=-1, i'), p(3, true));
  assert.equal(parsePriority('u=1000000000000000'), DEFAULT, '16 digits do not parse: whole field ignored');
  assert.equal(parsePriority('u=999999999999999, i'), p(3, true), '15 digits parse, then are out of range');
  assert.equal(parsePriority('u=1.0'), DEFAULT, 'a decimal is not an integer');
  assert.equal(parsePriority('u="1", i'), p(3, true));
  assert.equal(parsePriority('u=?1'), DEFAULT);
  assert.equal(parsePriority('u=(1 2), i'), p(3, true), 'an inner list is not an integer');
  assert.equal(parsePriority('i=1, u=2'), p(2, false), 'i=1 is an integer, not a boolean');
  assert.equal(parsePriority('i=?1;x=1, u=2;y'), p(2, true), 'parameters are ignored');
  assert.equal(parsePriority('u=-0'), p(0, false));
  assert.equal(parsePriority('u=0007'), p(7, false));
});

test('unknown keys of every item type are ignored', () => {
  assert.equal(parsePriority('x=1, u=4, y="a\\"b\\\\c", z=tok/en:1, w=:aGk=:, v=?0, d=@1659578233, s=%"caf%c3%a9", n=-1.25, l=(a "b" 1;q=2);r, i'), p(4, true));
  assert.equal(parsePriority('*foo=bar, u=1'), p(1, false));
  assert.equal(parsePriority('a-b.c_d*=1, u=1'), p(1, false));
  assert.equal(parsePriority('l=(), u=6'), p(6, false));
  assert.equal(parsePriority('l=( 1  2 ), u=6'), p(6, false));
});

test('duplicate keys: the last one counts, an invalid last one means the default', () => {
  assert.equal(parsePriority('u=1, u=2'), p(2, false));
  assert.equal(parsePriority('u=1, u=9'), DEFAULT);
  assert.equal(parsePriority('i, i=?0'), DEFAULT);
  assert.equal(parsePriority('i=?0, i'), p(3, true));
});

test('a value that is not a dictionary is ignored as a whole (RFC 8941 §4.2)', () => {
  for (const bad of [
    'u=1,', ',u=1', 'u=1,,i', 'u = 1', 'u=1 i', 'U=1', 'u=1;', 'u=1;A=2', 'u=', 'u=1, i=', 'u=1, i=?2', 'u=1, i=?',
    '1=u', 'u=1, 2', 'u=(1', 'u=(1,2)', 'u=(1)x', 'u="abc', 'u="a\\x"', 'u="\u00e9"', 'u=:abc', 'u=:a*:', 'u=@1.5',
    'u=@x', 'u=%"x', 'u=%x', 'u=%"%zz"', 'u=%"\u00e9"', 'u=1.', 'u=1.2345', 'u=1234567890123.1', 'u=-', 'u=-a',
    'u=#', 'u=1\u0000', 'u=1;a=#', 'u=1, i;', 'u=\t1', 'u=1;a=(1)', 'u=(1;)', 'u=(1 2',
  ]) {
    assert.equal(parsePriority(bad), DEFAULT, JSON.stringify(bad));
  }
  assert.equal(parsePriority(undefined as unknown as string), DEFAULT);
});

test('parsePriority never throws and always returns a valid priority', () => {
  const alphabet = fc.constantFrom(...'ui=?01237-,; \t"()*:.@%\\xa'.split(''));
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 30 })), (s) => {
      const r = parsePriority(s);
      assert.ok(Number.isInteger(r.urgency) && r.urgency >= 0 && r.urgency <= 7);
      assert.type(r.incremental, 'boolean');
    }),
    { numRuns: 2000 },
  );
});

test('serializePriority leaves defaults out and round-trips', () => {
  assert.is(serializePriority(p(3, false)), '');
  assert.is(serializePriority(p(3, true)), 'i');
  assert.is(serializePriority(p(0, false)), 'u=0');
  assert.is(serializePriority(p(7, true)), 'u=7, i');
  for (let u = 0; u <= 7; u++) {
    for (const i of [false, true]) assert.equal(parsePriority(serializePriority(p(u, i))), p(u, i));
  }
  for (const bad of [-1, 8, 1.5, Number.NaN]) {
    assert.throws(() => serializePriority(p(bad, false)), (e: unknown) => e instanceof RangeError);
  }
});

test.run();
