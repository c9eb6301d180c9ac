// MadeYouReset (CVE-2025-8671): frames that are each a stream error, so the server itself resets stream after stream
// (the client never sends RST_STREAM, so a Rapid Reset limit alone does not see it). Two ways in: a WINDOW_UPDATE that
// overflows the stream's window (RFC 9113 §6.9.1) and a malformed request (uppercase field name, §8.2.1). strand counts
// the stream errors a peer provokes in their own bucket (1000, refill 33/s): GOAWAY ENHANCE_YOUR_CALM "provoked resets: ...".
import { ErrorCode, errorCodeName } from '@strand/frame';
import { type AttackClient, withClient, request } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

const STREAMS = 20_000;
const POST = request('/', 'POST');
const MALFORMED = [...request('/'), ['X-Uppercase', 'not allowed in HTTP/2']] as Array<[string, string]>;

async function provoke(port: number, build: (c: AttackClient, id: number) => void, code: number, what: string) {
  return withClient(port, async (c) => {
    await c.handshake();
    const sent = await c.flood(STREAMS, (i) => build(c, 2 * i + 1), after(4000));
    await c.waitForEnd(3000);
    const problems = expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^provoked resets: peer caused more than 1000 stream errors/);
    if (c.resetCount(code) < 1000) problems.push(`only ${c.resetCount(code)} RST_STREAM ${errorCodeName(code)} before the GOAWAY, expected 1000`);
    return outcome(c, problems, undefined, `${sent} ${what} sent`);
  });
}

export const madeYouResetWindow: Attack = {
  id: 'made-you-reset-window',
  title: 'MadeYouReset (WINDOW_UPDATE overflow)',
  cve: 'CVE-2025-8671',
  budget: { rssMiB: 48, cpuMs: 1500 },
  run: (port) =>
    provoke(port, (c, id) => {
      c.headers(id, POST, false);
      c.w.windowUpdate(id, 0x7fffffff); // 65 535 + 2^31 − 1 overflows the stream's send window
    }, ErrorCode.FLOW_CONTROL_ERROR, 'streams with an overflowing WINDOW_UPDATE'),
};

export const madeYouResetHeaders: Attack = {
  id: 'made-you-reset-headers',
  title: 'MadeYouReset (malformed requests)',
  cve: 'CVE-2025-8671',
  budget: { rssMiB: 48, cpuMs: 1500 },
  run: (port) => provoke(port, (c, id) => c.headers(id, MALFORMED, true), ErrorCode.PROTOCOL_ERROR, 'malformed requests'),
};
