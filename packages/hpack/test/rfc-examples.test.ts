// RFC 7541 Appendix C, byte for byte: decoding with the dynamic table checked after every block,
// and encoding the same header lists with the options the examples use.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ByteReader,
  ByteWriter,
  Decoder,
  Encoder,
  type EncoderOptions,
  HUFFMAN_NEVER,
  readInteger,
  readStringLiteral,
  writeInteger,
  writeStringLiteral,
} from '../src/index.js';
import { hex, toHex } from './support.js';

type Fields = Array<[string, string]>;

interface Step {
  title: string;
  wire: string;
  headers: Fields;
  /** Dynamic table after the block, newest first, and its size. */
  table: Fields;
  tableSize: number;
}

const request1: Fields = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const request2: Fields = [...request1, ['cache-control', 'no-cache']];
const request3: Fields = [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']];
const requestTables: Fields[] = [
  [[':authority', 'www.example.com']],
  [['cache-control', 'no-cache'], [':authority', 'www.example.com']],
  [['custom-key', 'custom-value'], ['cache-control', 'no-cache'], [':authority', 'www.example.com']],
];

const date1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const date2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const location = 'https://www.example.com';
const cookie = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const response1: Fields = [[':status', '302'], ['cache-control', 'private'], ['date', date1], ['location', location]];
const response2: Fields = [[':status', '307'], ['cache-control', 'private'], ['date', date1], ['location', location]];
const response3: Fields = [[':status', '200'], ['cache-control', 'private'], ['date', date2], ['location', location], ['content-encoding', 'gzip'], ['set-cookie', cookie]];
const responseTables: Fields[] = [
  [['location', location], ['date', date1], ['cache-control', 'private'], [':status', '302']],
  [[':status', '307'], ['location', location], ['date', date1], ['cache-control', 'private']],
  [['set-cookie', cookie], ['content-encoding', 'gzip'], ['date', date2]],
];

/** One RFC example section: three blocks, each with its wire bytes, the fields it carries and the table after it. */
function exampleSteps(section: string, headers: Fields[], tables: Fields[], tableSizes: number[], wires: string[]): Step[] {
  return wires.map((wire, i) => ({ title: `${section}.${i + 1}`, wire, headers: headers[i]!, table: tables[i]!, tableSize: tableSizes[i]! }));
}

const requests = [request1, request2, request3];
const responses = [response1, response2, response3];
const requestSizes = [57, 110, 164];
const responseSizes = [222, 222, 215];

const C3 = exampleSteps('C.3', requests, requestTables, requestSizes, [
  '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
  '8286 84be 5808 6e6f 2d63 6163 6865',
  '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
]);

const C4 = exampleSteps('C.4', requests, requestTables, requestSizes, [
  '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
  '8286 84be 5886 a8eb 1064 9cbf',
  '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
]);

const C5 = exampleSteps('C.5', responses, responseTables, responseSizes, [
  `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
   2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`,
  '4803 3330 37c1 c0bf',
  `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
   54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
   5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31`,
]);

const C6 = exampleSteps('C.6', responses, responseTables, responseSizes, [
  `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
   2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`,
  '4883 640e ffc1 c0bf',
  `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
   77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
   9587 3160 65c0 03ed 4ee5 b106 3d50 07`,
]);

function checkDecoding(steps: Step[], maxTableSize: number): void {
  const decoder = new Decoder({ maxTableSize });
  for (const step of steps) {
    assert.equal(decoder.decode(hex(step.wire)), step.headers, `${step.title} headers`);
    assert.equal(decoder.tableEntries(), step.table, `${step.title} dynamic table`);
    assert.is(decoder.tableSize, step.tableSize, `${step.title} table size`);
    assert.is(decoder.tableLength, step.table.length, `${step.title} table length`);
  }
}

function checkEncoding(steps: Step[], options: EncoderOptions): void {
  const encoder = new Encoder(options);
  for (const step of steps) {
    assert.is(toHex(encoder.encode(step.headers)), toHex(hex(step.wire)), `${step.title} bytes`);
    assert.equal(encoder.tableEntries(), step.table, `${step.title} encoder table`);
    assert.is(encoder.tableSize, step.tableSize, `${step.title} encoder table size`);
  }
}

test('C.1: integer representation', () => {
  const cases: Array<[value: number, prefix: number, wire: string]> = [
    [10, 5, '0a'],
    [1337, 5, '1f9a0a'],
    [42, 8, '2a'],
  ];
  for (const [value, prefix, wire] of cases) {
    const w = new ByteWriter(16);
    writeInteger(w, value, prefix, 0);
    assert.is(toHex(w.bytes()), wire);
    const r = new ByteReader(hex(wire));
    assert.is(readInteger(r, prefix), value);
    assert.is(r.pos, r.end);
  }
  // The bits above the prefix are not part of the integer.
  assert.is(readInteger(new ByteReader(hex('ea')), 5), 10);
});

test('C.2.1: literal header field with indexing (decoder and low-level encoding)', () => {
  const wire = '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572';
  const decoder = new Decoder();
  assert.equal(decoder.decode(hex(wire)), [['custom-key', 'custom-header']]);
  assert.equal(decoder.tableEntries(), [['custom-key', 'custom-header']]);
  assert.is(decoder.tableSize, 55);

  const w = new ByteWriter(8);
  writeInteger(w, 0, 6, 0x40);
  writeStringLiteral(w, 'custom-key', HUFFMAN_NEVER);
  writeStringLiteral(w, 'custom-header', HUFFMAN_NEVER);
  assert.is(toHex(w.bytes()), toHex(hex(wire)));

  const r = new ByteReader(hex(wire), 1);
  assert.is(readStringLiteral(r), 'custom-key');
  assert.is(readStringLiteral(r), 'custom-header');
  assert.is(r.pos, r.end);
});

test('C.2.2: literal header field without indexing', () => {
  const wire = '040c 2f73 616d 706c 652f 7061 7468';
  const decoder = new Decoder();
  assert.equal(decoder.decode(hex(wire)), [[':path', '/sample/path']]);
  assert.is(decoder.tableLength, 0);
  assert.is(decoder.tableSize, 0);

  const w = new ByteWriter();
  writeInteger(w, 4, 4, 0x00);
  writeStringLiteral(w, '/sample/path', HUFFMAN_NEVER);
  assert.is(toHex(w.bytes()), toHex(hex(wire)));
});

test('C.2.3: literal header field never indexed (decoder, low-level and Encoder sensitive flag)', () => {
  const wire = '1008 7061 7373 776f 7264 0673 6563 7265 74';
  const decoder = new Decoder();
  assert.equal(decoder.decode(hex(wire)), [['password', 'secret']]);
  assert.is(decoder.tableLength, 0);

  const w = new ByteWriter();
  writeInteger(w, 0, 4, 0x10);
  writeStringLiteral(w, 'password', HUFFMAN_NEVER);
  writeStringLiteral(w, 'secret', HUFFMAN_NEVER);
  assert.is(toHex(w.bytes()), toHex(hex(wire)));

  const encoder = new Encoder({ huffman: 'never' });
  assert.is(toHex(encoder.encode([['password', 'secret', true]])), toHex(hex(wire)));
  assert.is(encoder.tableLength, 0);
});

test('C.2.4: indexed header field', () => {
  const decoder = new Decoder();
  assert.equal(decoder.decode(hex('82')), [[':method', 'GET']]);
  assert.is(decoder.tableLength, 0);
  assert.is(toHex(new Encoder().encode([[':method', 'GET']])), '82');
});

test('C.3: requests without Huffman, decoded', () => checkDecoding(C3, 4096));
test('C.4: requests with Huffman, decoded', () => checkDecoding(C4, 4096));
test('C.5: responses without Huffman (table 256, evictions), decoded', () => checkDecoding(C5, 256));
test('C.6: responses with Huffman (table 256, evictions), decoded', () => checkDecoding(C6, 256));

// C.3/C.4 match our default indexing policy exactly.
test('C.3: encoded with huffman never and the default policy', () => checkEncoding(C3, { huffman: 'never' }));
test('C.4: encoded with huffman auto and the default policy', () => checkEncoding(C4, { huffman: 'auto' }));
// C.5/C.6 index date, location and set-cookie, which our default policy does not: index all.
test('C.5: encoded with huffman never, indexing all, table 256', () =>
  checkEncoding(C5, { huffman: 'never', indexing: 'all', maxTableSize: 256 }));
// C.6.2 Huffman-codes "307" although it is no shorter: 'always'.
test('C.6: encoded with huffman always, indexing all, table 256', () =>
  checkEncoding(C6, { huffman: 'always', indexing: 'all', maxTableSize: 256 }));

test('C.6 with huffman auto differs only where Huffman is not strictly shorter', () => {
  const encoder = new Encoder({ huffman: 'auto', indexing: 'all', maxTableSize: 256 });
  encoder.encode(response1);
  // "307" is 3 octets either way, so auto sends it raw.
  assert.is(toHex(encoder.encode(response2)), '4803333037c1c0bf');
});

test('C.5 with the default policy: date and location are not indexed, set-cookie is never indexed', () => {
  const encoder = new Encoder({ huffman: 'never', maxTableSize: 256 });
  const wire = encoder.encode(response1);
  assert.is(toHex(wire.subarray(0, 5)), '4803333032'); // :status 302, incremental indexing
  assert.equal(encoder.tableEntries(), [['cache-control', 'private'], [':status', '302']]);
  const decoder = new Decoder({ maxTableSize: 256 });
  assert.equal(decoder.decode(wire), response1);
  const third = encoder.encode(response3);
  assert.equal(decoder.decode(third), response3);
  assert.equal(encoder.tableEntries(), [['content-encoding', 'gzip'], ['cache-control', 'private'], [':status', '302']]);
  assert.equal(decoder.tableEntries(), encoder.tableEntries());
});

test.run();
