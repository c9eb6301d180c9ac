// Shared helpers for the hpack tests (not a test file itself).
import { readdirSync, readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { Decoder, Encoder, type HeaderField } from '../src/index.js';

/** Bytes from an RFC-style hex dump ("8286 8441 ..."); whitespace is ignored. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex: ${text}`);
  return new Uint8Array(Buffer.from(digits, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

export const CORPUS_DIR = new URL('../../../../shared/testdata/hpack-test-case/', import.meta.url);

export interface StoryCase {
  seqno?: number;
  header_table_size?: number;
  wire?: string;
  headers: Array<Record<string, string>>;
}

export interface Story {
  file: string;
  cases: StoryCase[];
}

/** The corpus folders, sorted (raw-data included). */
export function corpusFolders(): string[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every story_*.json of a corpus folder, sorted by name. */
export function readStories(folder: string): Story[] {
  const dir = new URL(`${folder}/`, CORPUS_DIR);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ file: `${folder}/${name}`, cases: JSON.parse(readFileSync(new URL(name, dir), 'utf8')).cases }));
}

/** A case's header list as [name, value] pairs, in order. */
export function headerList(c: StoryCase): Array<[string, string]> {
  return c.headers.map((field) => {
    const entries = Object.entries(field);
    if (entries.length !== 1) throw new Error(`header object with ${entries.length} keys`);
    return entries[0]!;
  });
}

/** One step of an encoder/decoder exchange: a table size all sides apply, or a header list to send (a third element
 *  `true` marks a never-indexed field). */
export type ExchangeStep = { size: number } | { list: readonly HeaderField[] };

/**
 * Runs the steps through a fresh encoder and decoder, and a control encoder fed iterators (which it never caches):
 * every block is byte-equal to the control's, decodes to its list, and the tables stay equal.
 */
export function exchangeInStep(steps: readonly ExchangeStep[]): void {
  const enc = new Encoder();
  const control = new Encoder();
  const dec = new Decoder();
  for (const s of steps) {
    if ('size' in s) {
      enc.setMaxTableSize(s.size);
      control.setMaxTableSize(s.size);
      dec.setMaxTableSize(s.size);
      continue;
    }
    const headers = s.list.map((f): HeaderField => (f.length > 2 && f[2] === true ? [f[0], f[1], true] : [f[0], f[1]]));
    const block = enc.encode(headers);
    assert.is(toHex(block), toHex(control.encode(headers.values())));
    assert.equal(dec.decode(block), headers.map(([n, v]) => [n, v]));
    assert.equal(dec.tableEntries(), enc.tableEntries());
  }
}
