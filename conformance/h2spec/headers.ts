// Header lists the cases send, the connection's HPACK encoder, and single hand-built representations.
import {
  ByteWriter,
  Encoder,
  HUFFMAN_ALWAYS,
  HUFFMAN_NEVER,
  writeInteger,
  writeStringLiteral,
} from '@strand/hpack';
import type { Target } from './target.js';

export type Field = readonly [name: string, value: string];

/** h2spec's default for the length of each filler header value (its --max-header-length). */
export const FILLER_VALUE_LENGTH = 4000;

/** The pseudo-headers of a plain request to `/` on the target (RFC 9113 §8.3.1). */
export function requestHeaders(target: Target, method = 'GET'): Field[] {
  const defaultPort = target.tls ? 443 : 80;
  const authority = target.port === defaultPort ? target.host : `${target.host}:${target.port}`;
  return [
    [':method', method],
    [':scheme', target.tls ? 'https' : 'http'],
    [':path', '/'],
    [':authority', authority],
  ];
}

/** `count` regular headers named x-filler-N, each with a value of FILLER_VALUE_LENGTH 'x' octets. */
export function fillerHeaders(count: number): Field[] {
  const value = 'x'.repeat(FILLER_VALUE_LENGTH);
  return Array.from({ length: count }, (_, i): Field => [`x-filler-${i}`, value]);
}

/** Encodes header lists for one connection, keeping HPACK state across calls (RFC 7541 §2.2). */
export interface HeaderBlockEncoder {
  encode(fields: readonly Field[]): Uint8Array;
}

/** The default encoder: @strand/hpack indexing every field that fits, like h2spec's Go encoder. */
export function newEncoder(): HeaderBlockEncoder {
  return new Encoder({ indexing: 'all' });
}

function build(write: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter(64);
  write(w);
  return w.buf.slice(0, w.pos);
}

/** RFC 7541 §6.1 indexed header field. */
export function indexedField(index: number): Uint8Array {
  return build((w) => writeInteger(w, index, 7, 0x80));
}

/** RFC 7541 §6.3 dynamic table size update. */
export function tableSizeUpdate(size: number): Uint8Array {
  return build((w) => writeInteger(w, size, 5, 0x20));
}

/** The three literal representations of RFC 7541 §6.2: [pattern bits, index prefix length]. */
export const LITERAL = {
  withIncrementalIndexing: [0x40, 6],
  withoutIndexing: [0x00, 4],
  neverIndexed: [0x10, 4],
} as const satisfies Record<string, readonly [number, number]>;

/** A literal field: name by static/dynamic index or as a string; strings raw or Huffman-coded. */
export function literalField(kind: keyof typeof LITERAL, name: number | string, value: string, huffman: boolean): Uint8Array {
  const [pattern, prefix] = LITERAL[kind];
  const mode = huffman ? HUFFMAN_ALWAYS : HUFFMAN_NEVER;
  return build((w) => {
    writeInteger(w, typeof name === 'number' ? name : 0, prefix, pattern);
    if (typeof name === 'string') writeStringLiteral(w, name, mode);
    writeStringLiteral(w, value, mode);
  });
}
