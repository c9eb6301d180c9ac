// Encoder behaviour: representations chosen by the indexing policy, Huffman choice, table size
// updates (§4.2), appending into a ByteWriter, and recovery after a failed encode.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteWriter, Decoder, Encoder, type HeaderField, LONG_PATH_LENGTH, SHORT_COOKIE_LENGTH } from '../src/index.js';
import { toHex } from './support.js';

/** The representation of a one-field block: its first octet's pattern. */
function representation(block: Uint8Array): 'indexed' | 'incremental' | 'without' | 'never' | 'update' {
  const first = block[0]!;
  if (first >= 0x80) return 'indexed';
  if (first >= 0x40) return 'incremental';
  if (first >= 0x20) return 'update';
  return first >= 0x10 ? 'never' : 'without';
}

function encodeOne(field: HeaderField, encoder = new Encoder()): { kind: string; encoder: Encoder; block: Uint8Array } {
  const block = encoder.encode([field]);
  return { kind: representation(block), encoder, block };
}

test('credentials and short cookies are never indexed; long cookies are indexed', () => {
  for (const name of ['authorization', 'proxy-authorization', 'set-cookie']) {
    const { kind, encoder } = encodeOne([name, 'Basic dXNlcjpwYXNzd29yZA==']);
    assert.is(kind, 'never', name);
    assert.is(encoder.tableLength, 0, name);
  }
  assert.is(encodeOne(['cookie', 'x'.repeat(SHORT_COOKIE_LENGTH - 1)]).kind, 'never');
  const long = encodeOne(['cookie', 'x'.repeat(SHORT_COOKIE_LENGTH)]);
  assert.is(long.kind, 'incremental');
  assert.is(toHex(long.block.subarray(0, 1)), '60'); // 01 + static name index 32
  assert.is(long.encoder.tableLength, 1);
});

test('one-off values are literals without indexing', () => {
  const fields: HeaderField[] = [
    ['content-length', '1234'],
    ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ['etag', '"abc"'],
    ['if-modified-since', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ['last-modified', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ['age', '10'],
    ['location', 'https://example.com/'],
    ['x-request-id', '5f2b7c1e-9b1d-4f7e-8d6a-0c7e0b1f2a3d'],
    ['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    [':path', '/search?q=hpack'],
    [':path', `/${'p'.repeat(LONG_PATH_LENGTH)}`],
  ];
  for (const field of fields) {
    const { kind, encoder } = encodeOne(field);
    assert.is(kind, 'without', field[0]);
    assert.is(encoder.tableLength, 0, field[0]);
  }
});

test('ordinary fields are indexed, then sent as one indexed octet', () => {
  const encoder = new Encoder();
  const fields: HeaderField[] = [
    [':path', '/styles/site.css'],
    [':authority', 'example.com'],
    ['user-agent', 'strand-test/1.0'],
    ['x-custom', 'value'],
    [':status', '302'],
  ];
  const first = encoder.encode(fields);
  assert.is(encoder.tableLength, 5);
  const second = encoder.encode(fields);
  assert.is(toHex(second), 'c2c1c0bfbe');
  assert.ok(first.length > 20);
  // A new value for a dynamic name uses the name's index (62 = newest entry).
  assert.is(toHex(encoder.encode([[':status', '302'], ['x-custom', 'other']]).subarray(0, 2)), 'be7f');
});

test('static full matches are single octets; static names are used as name indexes', () => {
  const encoder = new Encoder({ huffman: 'never' });
  assert.is(toHex(encoder.encode([[':status', '200'], [':method', 'POST'], ['accept-encoding', 'gzip, deflate'], [':authority', '']])), '88839081');
  assert.is(toHex(encoder.encode([['accept', '*/*']])), '5303' + '2a2f2a'); // 01 + index 19
});

test('values larger than 3/4 of the table are not indexed', () => {
  const encoder = new Encoder({ maxTableSize: 256 });
  assert.is(encodeOne(['x-big', 'v'.repeat(256 * 0.75 - 32 - 5 + 1)], encoder).kind, 'without');
  assert.is(encodeOne(['x-big', 'v'.repeat(256 * 0.75 - 32 - 5)], encoder).kind, 'incremental');
});

test("indexing 'all' indexes everything that fits, except fields marked sensitive", () => {
  const encoder = new Encoder({ indexing: 'all', maxTableSize: 256 });
  assert.is(encodeOne(['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], encoder).kind, 'incremental');
  assert.is(encodeOne(['x-huge', 'v'.repeat(300)], encoder).kind, 'without');
  assert.is(encodeOne(['x-secret', 'v', true], encoder).kind, 'never');
  assert.is(encoder.tableLength, 1);
});

test('the sensitive flag forces a never-indexed literal even for a full match', () => {
  const encoder = new Encoder({ huffman: 'never' });
  assert.is(toHex(encoder.encode([[':method', 'GET', true]])), '1203474554');
  encoder.encode([['x-a', 'b']]);
  assert.is(toHex(encoder.encode([['x-a', 'b', true]])), '1f2f0162'); // name index 62 on a 4-bit prefix
  assert.is(toHex(encoder.encode([['x-a', 'b', false]])), 'be');
});

test('Huffman: auto only when strictly shorter, always, never; char codes above 255 throw', () => {
  assert.is(toHex(new Encoder({ huffman: 'auto', indexing: 'all' }).encode([[':status', '307']])), '4803333037');
  assert.is(toHex(new Encoder({ huffman: 'always', indexing: 'all' }).encode([[':status', '307']])), '4883640eff');
  assert.is(toHex(new Encoder({ huffman: 'auto' }).encode([[':authority', 'www.example.com']])), '418cf1e3c2e5f23a6ba0ab90f4ff');
  assert.is(toHex(new Encoder({ huffman: 'never' }).encode([['x', '\u00ff\u0000']])), '400178' + '02ff00');
  assert.throws(() => new Encoder().encode([['x', '\u0100']]), RangeError);
  assert.throws(() => new Encoder({ huffman: 'never' }).encode([['x', 'snow \u2603']]), RangeError);
  assert.throws(() => new Encoder({ huffman: 'sometimes' as never }), TypeError);
  assert.throws(() => new Encoder({ indexing: 'some' as never }), TypeError);
});

test('any iterable of fields is accepted', () => {
  const fields = new Map([
    [':method', 'GET'],
    [':path', '/'],
  ]);
  assert.is(toHex(new Encoder().encode(fields.entries())), '8284');
  function* generate(): Generator<HeaderField> {
    yield [':scheme', 'https'];
    yield ['x-s', 'v', true];
  }
  const decoder = new Decoder();
  assert.equal(decoder.decode(new Encoder().encode(generate())), [[':scheme', 'https'], ['x-s', 'v']]);
});

test('encode(headers, out) appends into the writer and returns a view of the block', () => {
  const out = new ByteWriter(16);
  out.write(Uint8Array.of(0, 0, 0, 1, 4, 0, 0, 0, 1)); // a frame header placeholder
  const encoder = new Encoder();
  const block = encoder.encode([[':method', 'GET'], [':path', '/a/long/path/that/makes/the/writer/grow']], out);
  assert.is(block.buffer, out.buf.buffer, 'no copy');
  assert.is(block.byteOffset, 9);
  assert.is(out.pos, 9 + block.length);
  assert.equal(new Decoder().decode(block), [[':method', 'GET'], [':path', '/a/long/path/that/makes/the/writer/grow']]);
  assert.equal(Array.from(out.bytes().subarray(0, 9)), [0, 0, 0, 1, 4, 0, 0, 0, 1]);
  // Without out, each call returns its own copy.
  const a = encoder.encode([[':method', 'GET']]);
  const b = encoder.encode([[':method', 'POST']]);
  assert.is(toHex(a), '82');
  assert.is(toHex(b), '83');
  out.reset();
  assert.is(out.pos, 0);
});

test('setMaxTableSize: the next block starts with the update(s) of §4.2', () => {
  const encoder = new Encoder();
  const decoder = new Decoder();
  const sync = (fields: HeaderField[]): string => {
    const block = encoder.encode(fields);
    assert.equal(decoder.decode(block), fields.map(([n, v]) => [n, v]));
    assert.equal(decoder.tableEntries(), encoder.tableEntries());
    return toHex(block);
  };
  sync([['x-a', '1'], ['x-b', '2']]);
  assert.is(encoder.tableLength, 2);

  encoder.setMaxTableSize(4096); // unchanged: nothing to signal
  assert.is(sync([[':method', 'GET']]), '82');

  encoder.setMaxTableSize(40); // shrink: one update, evicts the oldest
  decoder.setMaxTableSize(40);
  assert.is(encoder.tableLength, 1);
  assert.is(sync([[':method', 'GET']]), '3f0982');

  encoder.setMaxTableSize(0); // shrink then grow before a block: smallest first, then the final size
  decoder.setMaxTableSize(0);
  encoder.setMaxTableSize(4096);
  decoder.setMaxTableSize(4096);
  assert.is(encoder.tableLength, 0);
  assert.is(sync([[':method', 'GET']]), '203fe11f82');

  encoder.setMaxTableSize(8192); // grow only: one update
  decoder.setMaxTableSize(8192);
  assert.is(sync([[':method', 'GET']]), '3fe13f82');
  assert.is(encoder.tableMaxSize, 8192);
  assert.throws(() => encoder.setMaxTableSize(-1), RangeError);
});

test('tableSizeLimit caps the table whatever the peer allows, and is signalled', () => {
  const encoder = new Encoder({ maxTableSize: 1 << 20, tableSizeLimit: 4096 });
  assert.is(encoder.tableMaxSize, 4096);
  assert.is(toHex(encoder.encode([[':method', 'GET']])), '3fe11f82');
  assert.is(toHex(encoder.encode([[':method', 'GET']])), '82');
  encoder.setMaxTableSize(1 << 21);
  assert.is(encoder.tableMaxSize, 4096);
  assert.is(toHex(encoder.encode([[':method', 'GET']])), '3fe11f82');
});

test('a zero-size table: literals use the shorter "with indexing" form and nothing is stored', () => {
  const encoder = new Encoder({ maxTableSize: 0, huffman: 'never' });
  const block = encoder.encode([['user-agent', 'x'], ['date', 'y'], ['authorization', 'z']]);
  assert.is(toHex(block), '7a0178' + '610179' + '1f0801' + '7a'); // 01+58, 01+33, never 0001+49 (2 octets), 'z'
  assert.is(encoder.tableLength, 0);
  const decoder = new Decoder({ maxTableSize: 0 });
  assert.equal(decoder.decode(block), [['user-agent', 'x'], ['date', 'y'], ['authorization', 'z']]);
  assert.is(decoder.tableLength, 0);
});

test('a failed encode leaves the encoder usable: it empties both tables with size updates', () => {
  const encoder = new Encoder({ huffman: 'never' });
  const decoder = new Decoder();
  assert.equal(decoder.decode(encoder.encode([['x-a', '1']])), [['x-a', '1']]);
  const out = new ByteWriter();
  out.write(Uint8Array.of(9, 9));
  assert.throws(() => encoder.encode([['x-b', '2'], ['x-c', '\u0394']], out), RangeError);
  assert.is(out.pos, 2, 'the partial block is dropped from the writer');
  assert.is(encoder.tableLength, 0);
  // The block never reached the peer; the next one flushes its table and restores the size.
  const next = encoder.encode([['x-a', '1']]);
  assert.is(toHex(next.subarray(0, 4)), '203fe11f');
  assert.equal(decoder.decode(next), [['x-a', '1']]);
  assert.equal(decoder.tableEntries(), encoder.tableEntries());
  assert.equal(decoder.tableEntries(), [['x-a', '1']]);
});

test('invalid options are RangeErrors', () => {
  assert.throws(() => new Encoder({ maxTableSize: -1 }), RangeError);
  assert.throws(() => new Encoder({ tableSizeLimit: 0.5 }), RangeError);
});

test('eviction keeps the lookup maps exact (many names and values through a small table)', () => {
  const encoder = new Encoder({ maxTableSize: 200 });
  const decoder = new Decoder({ maxTableSize: 200 });
  for (let round = 0; round < 50; round++) {
    const fields: HeaderField[] = [];
    for (let i = 0; i < 6; i++) fields.push([`x-${(round * 7 + i) % 9}`, `v${(round + i) % 4}`]);
    fields.push(['user-agent', `agent-${round % 3}`]);
    assert.equal(decoder.decode(encoder.encode(fields)), fields, `round ${round}`);
    assert.equal(decoder.tableEntries(), encoder.tableEntries(), `round ${round}`);
    assert.ok(encoder.tableSize <= 200);
  }
});

test.run();
