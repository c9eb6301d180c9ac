// Empty-frame flood (CVE-2019-9518): DATA frames with no payload and no END_STREAM cost the server a frame each and
// carry nothing. strand counts consecutive empty DATA/HEADERS/CONTINUATION frames (abuse.maxEmptyFrames, 100):
// GOAWAY ENHANCE_YOUR_CALM "empty frames: ...".
// Zero-length header names (CVE-2019-9516): requests of thousands of fields with an empty name and value, which some
// servers allocated and kept until the connection ended. strand rejects the request as malformed (RST_STREAM
// PROTOCOL_ERROR, §8.2.1) without handing it to the application; many of them trip the provoked-reset bucket.
import { ErrorCode } from '@strand/frame';
import { type AttackClient, withClient, request } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

const EMPTY = new Uint8Array(0);

export const emptyFrames: Attack = {
  id: 'empty-frames',
  title: 'Empty DATA frame flood',
  cve: 'CVE-2019-9518',
  budget: { rssMiB: 48, cpuMs: 1500 },
  async run(port) {
    return withClient(port, async (c) => {
      await c.handshake();
      c.headers(1, request('/', 'POST'), false);
      const sent = await c.flood(500_000, () => c.w.data(1, EMPTY), after(3000), 1024);
      await c.waitForEnd(3000);
      return outcome(c, expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^empty frames: more than 100 consecutive empty frames$/), undefined, `${sent} empty DATA frames sent`);
    });
  },
};

/** A header block of `n` literal fields without indexing, empty name and empty value (3 bytes each), after GET's pseudo-fields. */
function emptyNames(c: AttackClient, n: number): Uint8Array {
  const head = c.hpack.encode(request('/'));
  const block = new Uint8Array(head.length + 3 * n); // 0x00 0x00 0x00: new name of length 0, value of length 0
  block.set(head);
  return block;
}

export const emptyHeaderNames: Attack = {
  id: 'empty-header-names',
  title: 'Zero-length header names',
  cve: 'CVE-2019-9516',
  budget: { rssMiB: 48, cpuMs: 1500 },
  async run(port) {
    return withClient(port, async (c) => {
      await c.handshake();
      // 1500 empty fields: 48 000 bytes of header list, under the 64 KiB limit, so the block is fully decoded each time.
      const sent = await c.flood(20_000, (i) => c.w.headers(2 * i + 1, emptyNames(c, 1500), { endStream: true }), after(4000), 32);
      await c.waitForEnd(3000);
      const problems = expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^provoked resets: peer caused more than 1000 stream errors/);
      if (c.resetCount(ErrorCode.PROTOCOL_ERROR) < 1000) problems.push(`${c.resetCount(ErrorCode.PROTOCOL_ERROR)} RST_STREAM PROTOCOL_ERROR, expected 1000`);
      if ([...c.responses.values()].some((r) => r.status !== 0)) problems.push('a request with empty field names was answered');
      const refused = c.resetCount() > 0 && [...c.responses.values()].every((r) => r.status === 0);
      return outcome(c, problems, refused, `${sent} requests of 1500 empty fields sent`);
    });
  },
};
