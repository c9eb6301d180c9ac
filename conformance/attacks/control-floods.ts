// Floods of frames that each make the server queue an answer, from a client that never reads its socket: PING
// (CVE-2019-9512), SETTINGS (CVE-2019-9515) and requests that each draw a RST_STREAM (CVE-2019-9514). A server that keeps
// queueing answers for a peer that does not read grows without bound. strand: the pump stops writing (and past 1 MiB of
// backlog, reading) when the socket pushes back; the engine counts the ACKs and RST_STREAMs queued for one write batch
// (abuse.maxQueuedControlFrames, 10 000) and stream errors in their own bucket, so the flood ends with GOAWAY
// ENHANCE_YOUR_CALM, which the client finds once it reads again.
import { ErrorCode, SettingId } from '@strand/frame';
import { type AttackClient, withClient, request } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

const PING_DATA = new Uint8Array(8);
const CONNECTION_SPECIFIC = [...request('/'), ['connection', 'keep-alive']] as Array<[string, string]>;

async function neverReading(port: number, count: number, build: (c: AttackClient, i: number) => void, debug: RegExp, what: string) {
  return withClient(port, async (c) => {
    await c.handshake();
    c.pauseReading();
    const sent = await c.flood(count, (i) => build(c, i), after(3000), 1024);
    c.resumeReading();
    await c.waitForEnd(5000);
    return outcome(c, expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, debug), undefined, `${sent} ${what} sent unread`);
  });
}

const CONTROL_QUEUE = /^control queue: more than 10000 control frames queued while the peer is not reading$/;

export const pingFlood: Attack = {
  id: 'ping-flood',
  title: 'Ping flood, client never reads',
  cve: 'CVE-2019-9512',
  budget: { rssMiB: 64, cpuMs: 2500 },
  run: (port) => neverReading(port, 1_000_000, (c) => c.w.ping(PING_DATA), CONTROL_QUEUE, 'PINGs'),
};

export const settingsFlood: Attack = {
  id: 'settings-flood',
  title: 'Settings flood, client never reads',
  cve: 'CVE-2019-9515',
  budget: { rssMiB: 64, cpuMs: 2500 },
  run: (port) => neverReading(port, 1_000_000, (c) => c.w.settings([[SettingId.MAX_CONCURRENT_STREAMS, 100]]), CONTROL_QUEUE, 'SETTINGS'),
};

export const resetFlood: Attack = {
  id: 'reset-flood',
  title: 'Reset flood, client never reads',
  cve: 'CVE-2019-9514',
  budget: { rssMiB: 64, cpuMs: 2500 },
  run: (port) =>
    neverReading(port, 200_000, (c, i) => c.headers(2 * i + 1, CONNECTION_SPECIFIC, true), /^provoked resets: peer caused more than 1000 stream errors/, 'malformed requests'),
};
