// HPACK bomb (CVE-2016-6581) and oversized header lists. A 4 KiB field enters the HPACK dynamic table once, then a
// 16 KiB HEADERS frame refers to it by a 1-byte index 12 000 times: ~48 MiB of header list from 16 KiB on the wire.
// strand's decoder counts the list without materialising it past SETTINGS_MAX_HEADER_LIST_SIZE (64 KiB by default):
// just over the limit the request gets 431 and the connection keeps serving (RFC 6585 §5); at 4× or more it is an
// attack: GOAWAY ENHANCE_YOUR_CALM "header list of N bytes, far over the limit of 65536".
import { ErrorCode, FrameType } from '@strand/frame';
import { type AttackClient, withClient, GET, type Fields } from './client.js';
import { ended, expectGoaway, outcome } from './expect.js';
import type { Attack } from './types.js';

const LIMIT = 64 * 1024;
const FIELD_OVERHEAD = 32; // RFC 9113 §6.5.2
const MAX_FRAME = 16_384;

/** HPACK: indexed :method GET, :scheme http, :path /, literal :authority "a", then a literal "x" of `valueLength` 'a's with indexing. */
function bombHead(valueLength: number): number[] {
  const out = [0x82, 0x86, 0x84, 0x41, 0x01, 0x61, 0x40, 0x01, 0x78];
  // value length with a 7-bit prefix (RFC 7541 §5.1)
  if (valueLength < 127) out.push(valueLength);
  else {
    out.push(0x7f);
    let rest = valueLength - 127;
    while (rest >= 128) {
      out.push((rest & 0x7f) | 0x80);
      rest >>= 7;
    }
    out.push(rest);
  }
  for (let i = 0; i < valueLength; i++) out.push(0x61);
  return out;
}

/** A header block `size` bytes long: the big field once, then indexed references to it (dynamic index 62 = 0xbe). */
function bombBlock(valueLength: number, references: number): Uint8Array {
  const out = bombHead(valueLength);
  for (let i = 0; i < references; i++) out.push(0xbe);
  return new Uint8Array(out);
}

/** The server turned the request down: RST_STREAM or 431. */
function refused(c: AttackClient, id: number): boolean {
  const r = c.responses.get(id);
  return r !== undefined && (r.status === 431 || (r.ended && r.status === 0));
}

/** Sends a header block of any size as HEADERS + CONTINUATION frames of at most 16 KiB. */
function writeBlock(c: AttackClient, id: number, block: Uint8Array, endStream: boolean): void {
  const first = block.subarray(0, MAX_FRAME);
  c.w.raw(FrameType.HEADERS, (endStream ? 0x1 : 0) | (block.length <= MAX_FRAME ? 0x4 : 0), id, first);
  for (let at = MAX_FRAME; at < block.length; at += MAX_FRAME) {
    const end = Math.min(block.length, at + MAX_FRAME);
    c.w.raw(FrameType.CONTINUATION, end === block.length ? 0x4 : 0, id, block.subarray(at, end));
  }
}

export const hpackBomb: Attack = {
  id: 'hpack-bomb',
  title: 'HPACK bomb',
  cve: 'CVE-2016-6581',
  budget: { rssMiB: 48, cpuMs: 1000 },
  async run(port) {
    return withClient(port, async (c) => {
      await c.handshake();
      const block = bombBlock(4000, MAX_FRAME - 4012);
      writeBlock(c, 1, block, true);
      await c.send();
      await c.waitForEnd(3000);
      // :method GET, :scheme http, :path /, :authority a, then "x" (4000 bytes) once and by reference.
      const references = block.length - 4012;
      const listSize = 42 + 43 + 38 + 43 + (1 + 4000 + FIELD_OVERHEAD) * (1 + references);
      const problems = expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, new RegExp(`^header list of ${listSize} bytes, far over the limit of ${LIMIT}$`));
      return outcome(c, problems, ended(c) || refused(c, 1), `${block.length}-byte block decoding to ${(listSize / 1048576).toFixed(1)} MiB`);
    });
  },
};

/** Pseudo-fields of GET plus one "x-big" field padded so the header list is exactly `size` (RFC 9113 §6.5.2 sizes). */
function listOfSize(size: number): Fields {
  let used = 0;
  for (const [name, value] of GET) used += name.length + value.length + FIELD_OVERHEAD;
  const value = 'a'.repeat(size - used - FIELD_OVERHEAD - 'x-big'.length);
  return [...GET, ['x-big', value]];
}

export const oversizedHeaderList: Attack = {
  id: 'oversized-header-list',
  title: 'Oversized header list (limit, limit+1, 4×)',
  cve: 'RFC 9113 §6.5.2',
  budget: { rssMiB: 48, cpuMs: 1000 },
  async run(port) {
    return withClient(port, async (c) => {
      await c.handshake();
      const problems: string[] = [];
      // At the limit: served. One over: 431 on that stream, the connection keeps serving (stream 5 gets 200).
      writeBlock(c, 1, c.hpack.encode(listOfSize(LIMIT)), true);
      writeBlock(c, 3, c.hpack.encode(listOfSize(LIMIT + 1)), true);
      c.headers(5, GET);
      await c.send();
      await c.waitFor(() => [1, 3, 5].every((id) => c.responses.get(id)?.ended === true), 3000);
      const status = (id: number) => c.responses.get(id)?.status ?? 0;
      if (status(1) !== 200) problems.push(`a list of exactly ${LIMIT} bytes got ${status(1)}, expected 200`);
      if (status(3) !== 431) problems.push(`a list of ${LIMIT + 1} bytes got ${status(3)}, expected 431`);
      if (status(5) !== 200) problems.push(`the next request on the connection got ${status(5)}, expected 200`);
      const served = `limit → ${status(1)}, limit+1 → ${status(3)}, next → ${status(5)}`;
      // 4× the limit from a 16 KiB block: an attack, the connection ends.
      writeBlock(c, 7, bombBlock(4000, 66), true);
      await c.send();
      await c.waitForEnd(3000);
      problems.push(...expectGoaway(c, ErrorCode.ENHANCE_YOUR_CALM, /^header list of \d+ bytes, far over the limit of 65536$/));
      return outcome(c, problems, ended(c) || refused(c, 7), `${served}, 4× → ${status(7) || 'no response'}`);
    });
  },
};
