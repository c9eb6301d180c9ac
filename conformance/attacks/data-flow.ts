// Data dribble (CVE-2019-9511): the client shrinks its window to 1 byte, asks for a big response, and opens the window
// one byte at a time, so the server makes a frame per byte and keeps the rest queued. strand counts consecutive stream
// WINDOW_UPDATEs under abuse.dribbleBytes (128) while data waits (abuse.maxDribbleUpdates, 1000): GOAWAY
// ENHANCE_YOUR_CALM "data dribble: ...".
// Internal data buffering (CVE-2019-9517): the client opens every window wide, asks for big responses on many streams
// and never reads. The server must not buffer the responses: strand's pump stops pulling from the engine while the
// socket pushes back (and stops reading past 1 MiB of backlog), the engine stops taking data past 64 KiB per stream
// ('drain'), so the server's memory stays flat however much was asked for.
import { ErrorCode, MAX_WINDOW_SIZE, SettingId, DEFAULT_INITIAL_WINDOW_SIZE } from '@strand/frame';
import { withClient, request } from './client.js';
import { after, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

const BIG = request(`/big/${1024 * 1024 * 1024}`);

export const dataDribble: Attack = {
  id: 'data-dribble',
  title: 'Data dribble (1-byte windows)',
  cve: 'CVE-2019-9511',
  budget: { rssMiB: 48, cpuMs: 1500 },
  async run(port) {
    return withClient(port, async (c) => {
      await c.handshake([[SettingId.INITIAL_WINDOW_SIZE, 1]]);
      c.headers(1, BIG, true);
      await c.send();
      await c.waitFor(() => (c.responses.get(1)?.bytes ?? 0) > 0 || c.closed, 3000);
      const sent = await c.flood(20_000, () => c.w.windowUpdate(1, 1), after(3000), 16);
      await c.waitForEnd(3000);
      const got = c.responses.get(1)?.bytes ?? 0;
      const problems = expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^data dribble: more than 1000 WINDOW_UPDATEs under 128 bytes$/);
      return outcome(c, problems, undefined, `${sent} 1-byte WINDOW_UPDATEs sent, ${got} bytes of DATA received`);
    });
  },
};

const STREAMS = 100;

export const dataBuffering: Attack = {
  id: 'data-buffering',
  title: 'Internal data buffering, client never reads',
  cve: 'CVE-2019-9517',
  budget: { rssMiB: 64, cpuMs: 1500 },
  async run(port) {
    return withClient(port, async (c) => {
      await c.handshake([[SettingId.INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE]]);
      c.w.windowUpdate(0, MAX_WINDOW_SIZE - DEFAULT_INITIAL_WINDOW_SIZE);
      await c.send();
      c.pauseReading();
      for (let i = 0; i < STREAMS; i++) c.headers(2 * i + 1, BIG, true);
      await c.send(after(1000));
      // Give the server time to fill every buffer it is willing to fill.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const asked = `${STREAMS} streams × 1 GiB asked for, never read`;
      // Contained = the server is still there and its memory stayed under the budget (checked by the harness).
      return { seen: c.closed ? `${c.describe()}; ${asked}` : `connection open, server waiting; ${asked}`, stopped: true, problems: c.protocolTrouble ? [c.protocolTrouble] : [] };
    });
  },
};
