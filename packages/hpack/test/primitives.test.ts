// Integers (§5.1), string literals (§5.2), Huffman (Appendix B), latin1, the ring-buffer table.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ByteReader,
  ByteWriter,
  DynamicTable,
  EOS_SYMBOL,
  HUFFMAN_CODE_LENGTHS,
  HUFFMAN_CODES,
  HpackError,
  huffmanDecode,
  huffmanDecodeToString,
  huffmanEncode,
  huffmanEncodedLength,
  huffmanMaxDecodedLength,
  latin1Decode,
  latin1Encode,
  MAX_INTEGER,
  readInteger,
  readStringLiteral,
  skipStringLiteral,
  STATIC_TABLE,
  writeInteger,
  writeStringLiteral,
  HUFFMAN_ALWAYS,
  HUFFMAN_AUTO,
  HUFFMAN_NEVER,
} from '../src/index.js';
import {
  hasC1,
  latin1DecodeByChunks,
  probeLatin1TextDecoder,
  TEXT_DECODER_EXCEPT_C1,
  TEXT_DECODER_IDENTITY,
  TEXT_DECODER_NONE,
} from '../src/latin1.js';
import { hex, toHex } from './support.js';

test('Appendix B spot checks: codes derived from the lengths match the RFC table', () => {
  const expected: Array<[symbol: number, code: number, length: number]> = [
    [0x00, 0x1ff8, 13],
    [0x20, 0x14, 6], // ' '
    [0x30, 0x0, 5], // '0'
    [0x61, 0x3, 5], // 'a'
    [0x7a, 0x7b, 7], // 'z'
    [0x7f, 0xffffffc, 28],
    [0xff, 0x3ffffee, 26],
    [0x0a, 0x3ffffffc, 30],
    [EOS_SYMBOL, 0x3fffffff, 30],
  ];
  for (const [symbol, code, length] of expected) {
    assert.is(HUFFMAN_CODES[symbol], code, `code of ${symbol}`);
    assert.is(HUFFMAN_CODE_LENGTHS[symbol], length, `length of ${symbol}`);
  }
  // A complete prefix code: the Kraft sum is exactly 1.
  assert.is(HUFFMAN_CODE_LENGTHS.reduce((sum, length) => sum + 2 ** -length, 0), 1);
});

test('Huffman strings of RFC 7541 Appendix C', () => {
  const cases: Array<[string, string]> = [
    ['www.example.com', 'f1e3c2e5f23a6ba0ab90f4ff'],
    ['no-cache', 'a8eb10649cbf'],
    ['custom-key', '25a849e95ba97d7f'],
    ['custom-value', '25a849e95bb8e8b4bf'],
    ['302', '6402'],
    ['private', 'aec3771a4b'],
    ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07abe941054d444a8200595040b8166e082a62d1bff'],
    ['https://www.example.com', '9d29ad171863c78f0b97c8e9ae82ae43d3'],
    ['gzip', '9bd9ab'],
    ['foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1', '94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007'],
  ];
  for (const [text, wire] of cases) {
    assert.is(toHex(huffmanEncode(text)), wire, text);
    assert.is(huffmanEncodedLength(text), wire.length / 2, text);
    assert.is(huffmanDecodeToString(hex(wire)), text, text);
  }
});

test('Huffman round-trips every byte, including the 30-bit codes', () => {
  const all = new Uint8Array(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const text = latin1Decode(all, 0, 256);
  const encoded = huffmanEncode(text);
  assert.equal(Array.from(huffmanDecode(encoded)), Array.from(all));
  assert.is(huffmanDecodeToString(encoded), text);
  assert.is(huffmanMaxDecodedLength(5), 8);
  assert.throws(() => huffmanEncode('\u0100'), RangeError);
});

test('Huffman: strings longer than the shared scratch space decode too', () => {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(3000); // 135 000 chars
  const encoded = huffmanEncode(text);
  assert.is(huffmanDecodeToString(encoded), text);
  assert.is(huffmanDecodeToString(huffmanEncode('short')), 'short');
});

test('Huffman round trip on arbitrary byte strings (fast-check)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const text = latin1Decode(bytes, 0, bytes.length);
      const encoded = huffmanEncode(text);
      assert.is(encoded.length, huffmanEncodedLength(text));
      assert.equal(huffmanDecode(encoded), bytes);
      assert.is(huffmanDecodeToString(encoded), text);
    }),
    { numRuns: 1000 },
  );
});

test('Huffman errors (§5.2): EOS, padding longer than 7 bits, padding not ones', () => {
  const reasonOf = (wire: string): string => {
    try {
      huffmanDecode(hex(wire));
    } catch (error) {
      assert.instance(error, HpackError);
      return (error as HpackError).reason;
    }
    return 'no error';
  };
  assert.is(reasonOf('ffffffff'), 'huffman-eos');
  assert.is(reasonOf('ff'), 'huffman-padding-too-long');
  assert.is(reasonOf('1fff'), 'huffman-padding-too-long');
  assert.is(reasonOf('18'), 'huffman-padding-invalid');
  assert.is(reasonOf('fe'), 'huffman-padding-invalid'); // 7 ones then a zero: a prefix of no complete code
  assert.is(reasonOf('1f'), 'no error');
  assert.is(reasonOf(''), 'no error');
});

test('integers: boundaries of every prefix, and the largest accepted value', () => {
  for (let prefix = 1; prefix <= 8; prefix++) {
    const max = (1 << prefix) - 1;
    for (const value of [0, 1, max - 1, max, max + 1, max + 127, max + 128, 16383, 2 ** 21, MAX_INTEGER]) {
      if (value < 0) continue;
      const w = new ByteWriter(4);
      w.write(Uint8Array.of(0xaa)); // offset the integer
      writeInteger(w, value, prefix, prefix === 8 ? 0 : 0x80);
      const r = new ByteReader(w.bytes(), 1);
      assert.is(readInteger(r, prefix), value, `${value} on ${prefix} bits`);
      assert.is(r.pos, w.pos);
    }
  }
  const r = new ByteReader(hex('ff 80 ff ff ff 07'));
  assert.is(readInteger(r, 7), MAX_INTEGER); // 127 + 127·2^7 + 127·2^14 + 127·2^21 + 7·2^28 = 2^31 - 1
  assert.throws(() => readInteger(new ByteReader(hex('ff 81 ff ff ff 07')), 7), (e: HpackError) => e.reason === 'integer-overflow');
  assert.throws(() => readInteger(new ByteReader(new Uint8Array(0)), 5), (e: HpackError) => e.reason === 'truncated-integer');
});

test('string literals: raw, Huffman, auto; skipping measures without decoding', () => {
  const w = new ByteWriter();
  writeStringLiteral(w, 'www.example.com', HUFFMAN_AUTO); // shorter in Huffman
  writeStringLiteral(w, '307', HUFFMAN_AUTO); // same length: raw
  writeStringLiteral(w, '307', HUFFMAN_ALWAYS);
  writeStringLiteral(w, 'abc', HUFFMAN_NEVER);
  writeStringLiteral(w, 'x'.repeat(200), HUFFMAN_NEVER); // 2-octet length
  assert.is(toHex(w.bytes().subarray(0, 13)), '8cf1e3c2e5f23a6ba0ab90f4ff');
  const r = new ByteReader(w.bytes());
  assert.is(readStringLiteral(r), 'www.example.com');
  assert.is(readStringLiteral(r), '307');
  assert.is(skipStringLiteral(r), 3);
  assert.is(skipStringLiteral(r), 3);
  assert.is(readStringLiteral(r), 'x'.repeat(200));
  assert.is(r.pos, r.end);
  assert.throws(() => readStringLiteral(new ByteReader(hex('05 61'))), (e: HpackError) => e.reason === 'truncated-string');
  assert.throws(() => skipStringLiteral(new ByteReader(hex('85 61'))), (e: HpackError) => e.reason === 'truncated-string');
});

test('latin1: every byte round-trips at every length class', () => {
  for (const length of [0, 1, 5, 8, 9, 16, 17, 100, 5000, 70_000]) {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = (i * 131 + 7) & 0xff;
    const text = latin1Decode(bytes, 0, length);
    assert.is(text.length, length);
    for (let i = 0; i < Math.min(length, 300); i++) assert.is(text.charCodeAt(i), bytes[i]);
    assert.equal(latin1Encode(text), bytes, `length ${length}`);
  }
  assert.is(latin1Decode(Uint8Array.of(0x80, 0x9f, 0xff, 0x41), 1, 4), '\u009f\u00ffA');
  assert.throws(() => latin1Encode('\u20ac'), RangeError);
});

test('latin1: the TextDecoder probe tells identity, identity but for C1, and unusable apart', () => {
  const identity = { decode: (bytes: Uint8Array) => latin1DecodeByChunks(bytes, 0, bytes.length) };
  assert.is(probeLatin1TextDecoder(() => identity), TEXT_DECODER_IDENTITY);
  const windows1252 = { decode: (bytes: Uint8Array) => identity.decode(bytes).replace('\u0080', '\u20ac') };
  assert.is(probeLatin1TextDecoder(() => windows1252), TEXT_DECODER_EXCEPT_C1);
  const utf8ish = { decode: (bytes: Uint8Array) => identity.decode(bytes).replace('\u00e9', '?') };
  assert.is(probeLatin1TextDecoder(() => utf8ish), TEXT_DECODER_NONE);
  assert.is(probeLatin1TextDecoder(() => ({ decode: () => 'short' })), TEXT_DECODER_NONE);
  assert.is(probeLatin1TextDecoder(() => { throw new RangeError('unknown encoding'); }), TEXT_DECODER_NONE);
  const bytes = new Uint8Array(10_000).map((_, i) => (i * 7) & 0xff);
  assert.is(latin1DecodeByChunks(bytes, 3, 9_999), latin1Decode(bytes, 3, 9_999));
  assert.ok(hasC1(Uint8Array.of(0x41, 0x9f), 0, 2));
  assert.not.ok(hasC1(Uint8Array.of(0x41, 0x9f, 0x7f, 0xa0), 2, 4));
  // Long strings with and without C1 octets decode exactly whichever path the runtime takes.
  const withC1 = new Uint8Array(100).fill(0x41);
  withC1[50] = 0x80;
  assert.is(latin1Decode(withC1, 0, 100).charCodeAt(50), 0x80);
  assert.is(latin1Decode(new Uint8Array(100).fill(0xe9), 0, 100), '\u00e9'.repeat(100));
});

test('the static table is Appendix A', () => {
  assert.is(STATIC_TABLE.length, 61);
  assert.equal(STATIC_TABLE[0], [':authority', '']);
  assert.equal(STATIC_TABLE[15], ['accept-encoding', 'gzip, deflate']);
  assert.equal(STATIC_TABLE[60], ['www-authenticate', '']);
});

test('dynamic table ring buffer: wraps, grows, evicts by size, rejects oversized entries', () => {
  const table = new DynamicTable(3 * 34);
  for (let i = 0; i < 40; i++) {
    assert.ok(table.add(`n${i % 10}`, `${i % 10}`)); // 32 + 2 + 1 = 35: at most 2 fit in 102
    assert.is(table.name(1), `n${i % 10}`);
  }
  assert.is(table.length, 2);
  assert.is(table.size, 70);
  assert.is(table.insertCount, 40);
  assert.equal(table.entries(), [['n9', '9'], ['n8', '8']]);
  table.setMaxSize(2000);
  for (let i = 0; i < 40; i++) table.add(`name${i}`, 'v'); // 38 each: grows the ring past 16 slots
  assert.is(table.length, 2 + 40);
  assert.is(table.value(42), '8');
  assert.is(table.name(1), 'name39');
  assert.not.ok(table.add('huge', 'x'.repeat(3000)));
  assert.is(table.length, 0);
  assert.is(table.size, 0);
  table.add('a', 'b');
  table.setMaxSize(0);
  assert.is(table.length, 0);
});

test.run();
