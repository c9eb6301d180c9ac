// CONTINUATION flood (CVE-2024-27316 and its siblings): a header block that never ends — HEADERS without END_HEADERS,
// then CONTINUATION after CONTINUATION — so a server that buffers fragments until END_HEADERS grows without bound; and
// one huge header block of full 16 KiB frames. strand bounds a block by frame count (limits.maxContinuations, 64) and
// bytes (limits.maxHeaderBlockBytes, 128 KiB), checked before buffering: GOAWAY ENHANCE_YOUR_CALM.
import { ErrorCode, FrameType } from '@strand/frame';
import { withClient, GET } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

/** A literal field without indexing, new name "x-a" and a 1-byte value: each CONTINUATION carries a real field. */
const SMALL_FRAGMENT = new Uint8Array([0x00, 0x03, 0x78, 0x2d, 0x61, 0x01, 0x62]);
/** 16 KiB of a literal value's bytes: the frames of a huge block. */
const FULL_FRAGMENT = new Uint8Array(16_384).fill(0x61);

async function endlessBlock(port: number, frames: number, fragment: Uint8Array, debug: RegExp) {
  return withClient(port, async (c) => {
    await c.handshake();
    c.w.raw(FrameType.HEADERS, 0x1, 1, c.hpack.encode(GET)); // END_STREAM, no END_HEADERS
    const sent = await c.flood(frames, () => c.w.raw(FrameType.CONTINUATION, 0, 1, fragment), after(4000), 64);
    await c.waitForEnd(3000);
    const bytes = sent * fragment.length;
    return outcome(c, expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, debug), undefined, `${sent} CONTINUATION frames (${(bytes / 1048576).toFixed(1)} MiB) sent`);
  });
}

export const continuationFlood: Attack = {
  id: 'continuation-flood',
  title: 'CONTINUATION flood (small frames)',
  cve: 'CVE-2024-27316',
  budget: { rssMiB: 48, cpuMs: 1000 },
  run: (port) => endlessBlock(port, 200_000, SMALL_FRAGMENT, /^more than 64 CONTINUATION frames in one header block$/),
};

export const hugeHeaderBlock: Attack = {
  id: 'huge-header-block',
  title: 'CONTINUATION flood (one huge block)',
  cve: 'CVE-2024-27316',
  budget: { rssMiB: 48, cpuMs: 1000 },
  run: (port) => endlessBlock(port, 1024, FULL_FRAGMENT, /^header block larger than 131072 bytes$/),
};
