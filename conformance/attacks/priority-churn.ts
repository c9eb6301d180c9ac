// PRIORITY churn (CVE-2019-9513): 100 000 PRIORITY frames that keep moving streams around an RFC 7540 dependency tree
// (random parents, exclusive flags and weights over 2 000 stream ids), so a server that re-sorts its tree on each one
// burns CPU. strand's tree is bounded on its own (@strand/priority); on top, a PRIORITY bucket (abuse.priorityBurst
// 10 000, refill 1000/s) ends the flood with GOAWAY ENHANCE_YOUR_CALM "priority flood: ...". The second variant lifts
// the bucket to show that processing all 100 000 frames is cheap too.
import { ErrorCode } from '@strand/frame';
import { withClient } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

const FRAMES = 100_000;
const IDS = 2000;

/** Park–Miller: the same churn on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48_271) % 0x7fffffff);
}

async function churn(port: number, limited: boolean) {
  return withClient(port, async (c) => {
    await c.handshake();
    const next = random(0x5eed);
    const sent = await c.flood(FRAMES, () => {
      const id = 2 * (next() % IDS) + 1;
      let dependency = 2 * (next() % IDS) + 1;
      if (dependency === id) dependency = 0;
      c.w.priority(id, { dependency, exclusive: (next() & 1) === 1, weight: 1 + (next() % 256) });
    }, after(4000), 1024);
    if (limited) {
      await c.waitForEnd(3000);
      const problems = expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^priority flood: more than 10000 PRIORITY frames \(refill 1000\/s\)$/);
      // Contained = the CPU budget (checked by the harness): a server may also just process PRIORITY cheaply.
      return outcome(c, problems, true, `${sent} PRIORITY frames sent`);
    }
    // All frames processed: a PING answered after them proves the server got through the lot.
    c.w.ping(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    await c.send();
    const pinged = await c.waitFor(() => c.count(6) >= 1, 10_000);
    const problems = pinged && c.goaway === null ? [] : [`the PING after the churn was not answered (${c.describe()})`];
    return outcome(c, problems, pinged, `${sent} PRIORITY frames sent, all processed`);
  });
}

export const priorityChurn: Attack = {
  id: 'priority-churn',
  title: 'PRIORITY churn (RFC 7540 tree)',
  cve: 'CVE-2019-9513',
  strand: { scheduler: 'rfc7540' },
  budget: { rssMiB: 48, cpuMs: 1500 },
  run: (port) => churn(port, true),
};

export const priorityChurnUnlimited: Attack = {
  id: 'priority-churn-unlimited',
  title: 'PRIORITY churn, bucket lifted (tree cost alone)',
  cve: 'CVE-2019-9513',
  strand: { scheduler: 'rfc7540', abuse: { priorityBurst: 1_000_000 } },
  budget: { rssMiB: 48, cpuMs: 3000 },
  run: (port) => churn(port, false),
};
