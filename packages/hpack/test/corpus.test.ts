// The hpack-test-case corpus: every encoded story decodes to its header lists, and every raw-data
// story survives our encoder + decoder (and hpack.js as an independent decoder).
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decoder, Encoder, type EncoderOptions } from '../src/index.js';
import { corpusFolders, headerList, hex, readStories, type Story } from './support.js';

const require = createRequire(import.meta.url);
const hpackJs = require('hpack.js');

/** JSON strings are text; on the wire they are UTF-8 octets, which we decode one char per octet. */
function asOctets(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

function expectedList(story: Story, i: number): Array<[string, string]> {
  return headerList(story.cases[i]!).map(([name, value]) => [asOctets(name), asOctets(value)]);
}

const encodedFolders = corpusFolders().filter((folder) => folder !== 'raw-data');
const rawStories = readStories('raw-data');

test('the corpus has the expected folders', () => {
  assert.equal(encodedFolders, ['go-hpack', 'nghttp2', 'nghttp2-16384-4096', 'nghttp2-change-table-size', 'node-http2-hpack', 'python-hpack']);
});

test('every story of every encoded folder decodes to its header lists', () => {
  let stories = 0;
  let cases = 0;
  let sizeUpdates = 0;
  for (const folder of encodedFolders) {
    for (const story of readStories(folder)) {
      const decoder = new Decoder();
      story.cases.forEach((c, i) => {
        // header_table_size: the SETTINGS_HEADER_TABLE_SIZE ACKed just before this case.
        if (c.header_table_size !== undefined) decoder.setMaxTableSize(c.header_table_size);
        const wire = hex(c.wire!);
        if ((wire[0]! & 0xe0) === 0x20) sizeUpdates++;
        assert.equal(decoder.decode(wire), expectedList(story, i), `${story.file} case ${i}`);
        assert.ok(decoder.tableSize <= decoder.tableMaxSize, `${story.file} case ${i} table within its size`);
        cases++;
      });
      stories++;
    }
  }
  assert.is(stories, 190);
  assert.is(cases, 20070);
  assert.is(sizeUpdates, 93); // nghttp2-16384-4096 and nghttp2-change-table-size exercise size updates
});

interface RoundTrip {
  options: EncoderOptions;
  blocks: number;
  octets: number;
}

function roundTripRawData(options: EncoderOptions): RoundTrip {
  const tableSize = options.maxTableSize ?? 4096;
  let blocks = 0;
  let octets = 0;
  for (const story of rawStories) {
    const encoder = new Encoder(options);
    const decoder = new Decoder({ maxTableSize: tableSize });
    story.cases.forEach((_, i) => {
      const list = expectedList(story, i);
      const block = encoder.encode(list);
      assert.equal(decoder.decode(block), list, `${story.file} case ${i} ${JSON.stringify(options)}`);
      assert.is(decoder.tableSize, encoder.tableSize, `${story.file} case ${i}: tables in sync`);
      blocks++;
      octets += block.length;
    });
  }
  return { options, blocks, octets };
}

test('every raw-data story round-trips through our encoder and decoder (huffman x table size)', () => {
  const sizes: Record<string, number> = {};
  for (const huffman of ['never', 'auto', 'always'] as const) {
    for (const maxTableSize of [0, 4096, 65536]) {
      const result = roundTripRawData({ huffman, maxTableSize });
      assert.is(result.blocks, 3384);
      sizes[`${huffman}/${maxTableSize}`] = result.octets;
    }
  }
  // Huffman auto is never longer than either fixed choice; a bigger table never hurts here.
  for (const size of [0, 4096, 65536]) {
    assert.ok(sizes[`auto/${size}`]! <= sizes[`never/${size}`]!, `auto <= never at ${size}`);
    assert.ok(sizes[`auto/${size}`]! <= sizes[`always/${size}`]!, `auto <= always at ${size}`);
  }
  assert.ok(sizes['auto/4096']! < sizes['auto/0']!);
  assert.ok(sizes['auto/65536']! <= sizes['auto/4096']!);
});

test('raw-data encoded by us decodes with hpack.js (independent decoder)', () => {
  for (const [huffman, maxTableSize] of [['auto', 4096], ['never', 65536]] as const) {
    let blocks = 0;
    for (const story of rawStories) {
      const encoder = new Encoder({ huffman, maxTableSize });
      const decomp = hpackJs.decompressor.create({ table: { maxSize: maxTableSize } });
      story.cases.forEach((_, i) => {
        const list = expectedList(story, i);
        decomp.write(Buffer.from(encoder.encode(list)));
        decomp.execute();
        const decoded: Array<[string, string]> = [];
        let field: { name: string; value: string } | null;
        while ((field = decomp.read()) !== null) decoded.push([field.name, field.value]);
        assert.equal(decoded, list, `${story.file} case ${i} via hpack.js (${huffman}, ${maxTableSize})`);
        blocks++;
      });
    }
    assert.is(blocks, 3384);
  }
});

test('hpack.js output decodes with our decoder', () => {
  let blocks = 0;
  for (const story of rawStories) {
    const comp = hpackJs.compressor.create({ table: { maxSize: 4096 } });
    const decoder = new Decoder();
    story.cases.forEach((_, i) => {
      const list = expectedList(story, i);
      comp.write(list.map(([name, value]) => ({ name, value })));
      const block = new Uint8Array(comp.read() as Buffer);
      assert.equal(decoder.decode(block), list, `${story.file} case ${i}`);
      blocks++;
    });
  }
  assert.is(blocks, 3384);
});

test.run();
