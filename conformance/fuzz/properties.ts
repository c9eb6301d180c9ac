// The fuzz properties, shared by the CI tests (conformance/test/fuzz-*.test.ts, a fixed number of runs) and the long
// mode (`pnpm fuzz --minutes N`, conformance/fuzz/run.ts, as many runs as the time allows).
import fc from 'fast-check';
import { Encoder } from '@strand/hpack';
import { actionsFor, chunkSize, engineOptions, fields } from './actions.js';
import { playFrameDecoder, playHpackDecoder } from './decoders.js';
import { playRun, type Prelude } from './engine-driver.js';

export interface FuzzProperty {
  name: string;
  /** Runs per CI test. */
  ciRuns: number;
  property: fc.IPropertyWithHooks<unknown[]> | fc.IProperty<unknown[]>;
}

const prelude = fc.constantFrom<Prelude>('preface+settings', 'preface+settings', 'preface+settings+ack', 'preface+settings+ack', 'preface', 'bad-preface', 'nothing');

const engine = (role: 'server' | 'client') =>
  fc.property(prelude, engineOptions, actionsFor(role), chunkSize, (p, options, list, chunk) => {
    playRun({ role, prelude: p, options, actions: list, chunk });
  });

/** Bytes that look like frames more often than pure noise would: 9-byte headers with small lengths, then payload. */
const frameish = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0x12 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 3, 0x7fffffff, 0xffffffff), fc.uint8Array({ maxLength: 48 })),
    { maxLength: 12 },
  )
  .map((frames) => {
    const out: number[] = [];
    for (const [length, type, flags, id, payload] of frames) {
      out.push(0, 0, length, type, flags, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
      for (let i = 0; i < length; i++) out.push(payload[i % Math.max(1, payload.length)] ?? 0);
    }
    return new Uint8Array(out);
  });

/** HPACK blocks: random bytes, or a real encoding with bytes flipped or cut. */
const hpackBlock = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fields, fc.nat(), fc.nat({ max: 255 }), fc.boolean()).map(([list, at, byte, cut]) => {
    const block = new Encoder().encode(list).slice();
    if (block.length === 0) return block;
    if (cut) return block.subarray(0, at % block.length);
    block[at % block.length] = byte;
    return block;
  }),
);

export const PROPERTIES: FuzzProperty[] = [
  { name: 'engine, server role: random frames, chunking and application calls', ciRuns: 2000, property: engine('server') },
  { name: 'engine, client role: random frames, chunking and application calls', ciRuns: 2000, property: engine('client') },
  {
    name: 'FrameDecoder on random bytes and random chunk boundaries',
    ciRuns: 2000,
    property: fc.property(fc.oneof(frameish, fc.uint8Array({ maxLength: 200 })), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom(16_384, 16_777_215), fc.boolean(), (bytes, cuts, max, pieces) =>
      playFrameDecoder(bytes, cuts, max, pieces),
    ),
  },
  {
    name: 'HPACK Decoder on random and damaged blocks',
    ciRuns: 2000,
    property: fc.property(fc.array(hpackBlock, { minLength: 1, maxLength: 6 }), fc.constantFrom(0, 64, 4096), fc.constantFrom(50, 4096, Infinity), (blocks, table, list) =>
      playHpackDecoder(blocks, table, list),
    ),
  },
];
