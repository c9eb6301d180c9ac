// Concurrent-stream flood from a client that never ACKs the server's SETTINGS: RFC 9113 lets a new
// SETTINGS_MAX_CONCURRENT_STREAMS take effect only once acknowledged, so a server that waits for the ACK lets such a
// client open streams without limit until SETTINGS_TIMEOUT (before the fix, 100 000 streams cost strand ≈ 70 MiB in
// well under a second). strand enforces its advertised limit (100) from the moment it is sent: streams over it get
// RST_STREAM REFUSED_STREAM, and a client that keeps trying trips the provoked-reset bucket.
import { ErrorCode } from '@strand/frame';
import { withClient, request } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

export const streamFlood: Attack = {
  id: 'stream-flood',
  title: 'Stream flood, SETTINGS never ACKed',
  cve: 'CWE-770',
  budget: { rssMiB: 48, cpuMs: 1500 },
  async run(port) {
    return withClient(port, async (c) => {
      c.autoAck = false;
      await c.handshake();
      const post = request('/', 'POST');
      const sent = await c.flood(100_000, (i) => c.headers(2 * i + 1, post, false), after(4000), 512);
      await c.waitForEnd(3000);
      const problems = expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^provoked resets: peer caused more than 1000 stream errors/);
      if (c.resetCount(ErrorCode.REFUSED_STREAM) < 1000) problems.push(`${c.resetCount(ErrorCode.REFUSED_STREAM)} RST_STREAM REFUSED_STREAM, expected 1000`);
      return outcome(c, problems, undefined, `${sent} streams opened without ACKing SETTINGS`);
    });
  },
};
