// Slowloris: connections that hold a server's resources by never finishing what they started. strand's engine keeps
// the deadlines and the pump's timer fires them (tick()): the client preface and first SETTINGS (prefaceTimeout), a
// header block's CONTINUATIONs (headerBlockTimeout, measured from the HEADERS frame, so dribbling bytes does not extend
// it) and the ACK of our SETTINGS (settingsTimeout). The defaults are 10 s each; this attack runs the server with
// 300 ms (600 ms for the SETTINGS ACK) to stay quick. node:http2 has no such deadlines; its closest knob is
// server.setTimeout (an idle timer), set to 300 ms for the comparison.
import { CONNECTION_PREFACE, ErrorCode, FrameType } from '@strand/frame';
import { AttackClient, GET } from './client.js';
import { expectGoaway } from './expect.js';
import type { Attack, Outcome } from './types.js';

const TIMEOUT = 300;
const SETTINGS_TIMEOUT = 600;
/** Longest a server may take past its deadline to close the connection. */
const SLACK = 1000;
const WAIT = 3000;

interface Case {
  name: string;
  /** Starts the slow part on a fresh connection (which ACKs the server's SETTINGS only when `ack`). */
  play(c: AttackClient): Promise<void>;
  ack: boolean;
  code: number;
  debug: RegExp;
  deadline: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CASES: Case[] = [
  {
    name: 'nothing sent',
    play: async () => {},
    ack: false,
    code: ErrorCode.PROTOCOL_ERROR,
    debug: /^no connection preface and SETTINGS within 300 ms$/,
    deadline: TIMEOUT,
  },
  {
    name: 'half a preface',
    play: async (c) => c.sendRaw(CONNECTION_PREFACE.slice(0, 12)),
    ack: false,
    code: ErrorCode.PROTOCOL_ERROR,
    debug: /^no connection preface and SETTINGS within 300 ms$/,
    deadline: TIMEOUT,
  },
  {
    name: 'header block never finished (a CONTINUATION byte every 100 ms)',
    play: async (c) => {
      await c.handshake();
      c.w.raw(FrameType.HEADERS, 0x1, 1, c.hpack.encode(GET)); // END_STREAM, no END_HEADERS
      await c.send();
      for (let i = 0; i < WAIT / 100 && !c.closed; i++) {
        await sleep(100);
        c.w.raw(FrameType.CONTINUATION, 0, 1, new Uint8Array([0x00, 0x01, 0x78, 0x00])); // literal "x: ''"
        await c.send();
      }
    },
    ack: true,
    code: ErrorCode.ENHANCE_YOUR_CALM,
    debug: /^header block not finished within 300 ms$/,
    deadline: TIMEOUT,
  },
  {
    name: 'server SETTINGS never acknowledged',
    play: async (c) => {
      c.sendRaw(CONNECTION_PREFACE);
      c.w.settings([]);
      await c.send();
    },
    ack: false,
    code: ErrorCode.SETTINGS_TIMEOUT,
    debug: /^SETTINGS not acknowledged within 600 ms$/,
    deadline: SETTINGS_TIMEOUT,
  },
];

export const slowloris: Attack = {
  id: 'slowloris',
  title: 'Slowloris (no preface, half a preface, endless header block, no SETTINGS ACK)',
  cve: 'CWE-400',
  strand: { prefaceTimeout: TIMEOUT, headerBlockTimeout: TIMEOUT, settingsTimeout: SETTINGS_TIMEOUT },
  node: { timeoutMs: TIMEOUT },
  budget: { rssMiB: 32, cpuMs: 500 },
  async run(port): Promise<Outcome> {
    const seen: string[] = [];
    const problems: string[] = [];
    let closedAll = true;
    await Promise.all(
      CASES.map(async (k) => {
        const c = await AttackClient.connect(port);
        c.autoAck = k.ack;
        try {
          await Promise.race([k.play(c), c.waitFor(() => c.closed, WAIT)]);
          await c.waitFor(() => c.closed, WAIT);
          const at = c.closedAt;
          seen.push(`${k.name}: ${c.closed ? `closed after ${at} ms` : `open after ${WAIT} ms`}`);
          if (!c.closed) closedAll = false;
          problems.push(...expectGoaway(c, k.code, k.debug).map((p) => `${k.name}: ${p}`));
          if (c.closed && (at < k.deadline - 50 || at > k.deadline + SLACK)) problems.push(`${k.name}: closed after ${at} ms, expected ${k.deadline}–${k.deadline + SLACK} ms`);
        } finally {
          c.close();
        }
      }),
    );
    return { seen: seen.join('; '), stopped: closedAll, problems };
  },
};
