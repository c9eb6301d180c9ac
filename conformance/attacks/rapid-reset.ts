// Rapid Reset (CVE-2023-44487): HEADERS + RST_STREAM pairs as fast as the socket takes them. Each pair costs the client
// two tiny frames and the server a stream open and close. strand's RST_STREAM bucket (1000, refill 33/s) answers with
// GOAWAY ENHANCE_YOUR_CALM "rapid reset: ...".
import { ErrorCode } from '@strand/frame';
import { withClient, GET } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

const PAIRS = 50_000;

export const rapidReset: Attack = {
  id: 'rapid-reset',
  title: 'Rapid Reset',
  cve: 'CVE-2023-44487',
  budget: { rssMiB: 48, cpuMs: 1500 },
  async run(port) {
    return withClient(port, async (c) => {
      await c.handshake();
      const sent = await c.flood(PAIRS, (i) => {
        const id = 2 * i + 1;
        c.headers(id, GET, true);
        c.w.rstStream(id, ErrorCode.CANCEL);
      }, after(4000));
      await c.waitForEnd(3000);
      const problems = expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^rapid reset: more than 1000 RST_STREAM frames received/);
      return outcome(c, problems, undefined, `${sent} pairs sent`);
    });
  },
};
