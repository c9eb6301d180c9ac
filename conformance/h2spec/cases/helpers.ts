// Case shapes that recur across sections: "send this, then expect that".
import { FrameType, SettingId } from '@strand/frame';
import { CaseFailure } from '../client.js';
import { describe, isAck } from '../events.js';
import * as wire from '../wire.js';
import { type CaseContext, type CaseSpec, ZERO_PING } from './types.js';

type Stimulus = (t: CaseContext) => void | Promise<void>;

/** `send`, then a connection error with one of `codes` (GOAWAY) or a closed connection. */
export function connectionErrorCase(title: string, requirement: string, send: Stimulus, ...codes: number[]): CaseSpec {
  return {
    title,
    requirement,
    async run(t) {
      await send(t);
      await t.conn.expectConnectionError(...codes);
    },
  };
}

/** `send`, then a stream error with one of `codes` (RST_STREAM or GOAWAY) or a closed connection. */
export function streamErrorCase(title: string, requirement: string, send: Stimulus, ...codes: number[]): CaseSpec {
  return {
    title,
    requirement,
    async run(t) {
      await send(t);
      await t.conn.expectStreamError(...codes);
    },
  };
}

/** `send`, then a PING: the server must still answer it (the frame was accepted or ignored) with the same payload. */
export function pingAnsweredCase(title: string, requirement: string, send: Stimulus, payload: Uint8Array = ZERO_PING): CaseSpec {
  return {
    title,
    requirement,
    async run(t) {
      await send(t);
      t.conn.sendPing(payload);
      await t.conn.expectPing(payload);
    },
  };
}

/** `send` (which makes a request on stream 1), then the response HEADERS on stream 1. */
export function responseCase(title: string, requirement: string, send: Stimulus): CaseSpec {
  return {
    title,
    requirement,
    async run(t) {
      await send(t);
      await t.conn.expectHeaders(1);
    },
  };
}

/** Sends the preface and our SETTINGS; the very first frame back must be a non-ACK SETTINGS (RFC 9113 §3.4). */
export async function expectServerPreface(t: CaseContext): Promise<void> {
  t.conn.sendPreface();
  t.conn.sendSettings([SettingId.INITIAL_WINDOW_SIZE, 65_535]);
  const first = await t.conn.nextEvent();
  if (first.kind !== 'frame' || first.frame.type !== FrameType.SETTINGS || isAck(first.frame))
    throw new CaseFailure(['SETTINGS frame (flags:0x00)'], describe(first));
}

/** HEADERS on stream 1 that leaves its header block open (no END_HEADERS). */
export function openHeaderBlock(t: CaseContext, endStream: boolean, method = 'GET'): void {
  t.conn.send(wire.headersFrame({ streamId: 1, block: t.conn.encodeHeaders(t.request(method)), endStream, endHeaders: false }));
}

/** PRIORITY fields with no dependency and the highest weight. */
export const TOP_PRIORITY: wire.PriorityFields = { dependsOn: 0, exclusive: false, weight: 255 };

/** Header block on stream 1 left open, a PRIORITY frame, then the CONTINUATION (§4.3, §6.2). */
export function blockInterruptedByPriority(t: CaseContext): void {
  openHeaderBlock(t, false);
  t.conn.send(wire.priorityFrame(1, TOP_PRIORITY));
  t.conn.sendContinuation(1, true, t.filler(1));
}

/** Header block on stream 1 left open, a complete HEADERS on stream 3, then the CONTINUATION (§4.3, §6.2). */
export function blockInterruptedByHeaders(t: CaseContext): void {
  openHeaderBlock(t, false);
  t.conn.sendHeaders(3, t.request());
  t.conn.sendContinuation(1, true, t.filler(1));
}
