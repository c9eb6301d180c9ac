// fast-check properties on the two decoders that face the network (conformance/fuzz/decoders.ts): FrameDecoder on random
// bytes cut at random boundaries throws only H2Error, stays failed after a connection error and buffers less than a
// frame once drained; the HPACK Decoder on random or damaged blocks throws only HpackError / HeaderListTooLargeError and
// refuses every block after an HpackError. Long mode: `pnpm fuzz --minutes N`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PROPERTIES } from '../fuzz/properties.js';
import { playFrameDecoder, playHpackDecoder } from '../fuzz/decoders.js';

// CI runs a fixed sample so a green build stays green; `pnpm fuzz --minutes N` explores with fresh seeds.
const CI_SEED = Number(process.env.STRAND_FUZZ_SEED ?? 20261122);

for (const p of PROPERTIES.filter((p) => !p.name.startsWith('engine'))) {
  test(`${p.name} (${p.ciRuns} runs)`, () => {
    fc.assert(p.property, { numRuns: p.ciRuns, seed: CI_SEED });
  });
}

// Known inputs through the same checks: each exercises the error path the property relies on.
test('frame decoder: an oversized frame, whole or cut, is the documented connection error', () => {
  const oversized = new Uint8Array([0x00, 0x40, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff]); // 16 385-byte DATA
  playFrameDecoder(oversized, [3], 16_384);
  playFrameDecoder(oversized, [], 16_384);
});

test('hpack decoder: index 0 fails the decoder, which then refuses a valid block', () => {
  playHpackDecoder([new Uint8Array([0x80]), new Uint8Array([0x82])], 4096, Infinity);
  playHpackDecoder([new Uint8Array([0x82, 0x84]), new Uint8Array([0x82])], 4096, 40); // over the limit, then still usable
  assert.throws(() => playFrameDecoder(new Uint8Array(9), [], 100), RangeError, 'a max frame size under 16 384 is refused');
});

test.run();
