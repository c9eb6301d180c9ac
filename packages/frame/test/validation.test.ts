// One case per frame-level rule of RFC 9113 §4.2, §6.1–§6.10, RFC 7838 §4, RFC 8336 §2, RFC 9218 §7.1:
// exact error code and scope, and the boundary values that must pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ErrorCode,
  FrameDecoder,
  FrameType,
  H2Error,
  decodeFrames,
  fieldBlockSequenceError,
  openFieldBlockAfter,
  priorityError,
  settingError,
  type ErrorCodeValue,
  type Frame,
} from '@strand/frame';
import { hex } from './support.js';

const { PROTOCOL_ERROR, FRAME_SIZE_ERROR, FLOW_CONTROL_ERROR } = ErrorCode;

/** Decoding `wire` must throw exactly this error; a connection error must leave the decoder failed. */
function rejects(wire: string, code: ErrorCodeValue, scope: 'connection' | 'stream', streamId = 0): H2Error {
  const decoder = new FrameDecoder();
  decoder.push(hex(wire));
  let caught: unknown;
  try {
    decoder.next();
  } catch (e) {
    caught = e;
  }
  assert.instance(caught, H2Error, `expected an H2Error for ${wire}`);
  const e = caught as H2Error;
  assert.is(e.code, code, e.message);
  assert.is(e.scope, scope, e.message);
  assert.is(e.streamId, streamId, e.message);
  assert.match(e.message, /\(RFC \d+ §[\d.]+/, 'message cites the rule');
  assert.is(e.message, `${e.message.split(':')[0]}: ${e.detail}`, 'detail is the message without the code');
  assert.is(decoder.error, scope === 'connection' ? e : null);
  if (scope === 'stream') assert.is(decoder.buffered, 0, 'a stream error consumes its frame');
  return e;
}

function accepts(wire: string): Frame {
  const frames = decodeFrames(hex(wire));
  assert.is(frames.length, 1);
  return frames[0]!;
}

// ---- §4.2 frame size ----

test('§4.2: payload larger than SETTINGS_MAX_FRAME_SIZE → connection FRAME_SIZE_ERROR (any type, before the payload)', () => {
  rejects('004001 00 00 00000001', FRAME_SIZE_ERROR, 'connection');
  rejects('004001 fe 00 00000000', FRAME_SIZE_ERROR, 'connection'); // unknown type too
  rejects('ffffff 06 00 00000000', FRAME_SIZE_ERROR, 'connection');
});

// ---- stream id 0 / non-0 ----

for (const [name, type] of [
  ['DATA', '00'],
  ['HEADERS', '01'],
  ['PRIORITY', '02'],
  ['RST_STREAM', '03'],
  ['PUSH_PROMISE', '05'],
  ['CONTINUATION', '09'],
] as const) {
  test(`${name} on stream 0 → connection PROTOCOL_ERROR`, () => {
    const payload = name === 'PRIORITY' ? '0000000110' : name === 'PUSH_PROMISE' ? '00000002' : '00000000';
    const e = rejects(`00000${(payload.length / 2).toString(16)} ${type} 00 00000000 ${payload}`, PROTOCOL_ERROR, 'connection');
    assert.match(e.message, new RegExp(`^PROTOCOL_ERROR: ${name} frame on stream 0`));
  });
}

for (const [name, wire] of [
  ['SETTINGS', '000000 04 00 00000001'],
  ['SETTINGS ACK', '000000 04 01 00000003'],
  ['PING', '000008 06 00 00000001 0000000000000000'],
  ['GOAWAY', '000008 07 00 00000001 0000000000000000'],
  ['PRIORITY_UPDATE', '000004 10 00 00000001 00000001'],
] as const) {
  test(`${name} on a stream other than 0 → connection PROTOCOL_ERROR`, () => {
    rejects(wire, PROTOCOL_ERROR, 'connection');
  });
}

// ---- lengths ----

test('§6.5: SETTINGS length not a multiple of 6 → connection FRAME_SIZE_ERROR', () => {
  rejects('000005 04 00 00000000 0001000010', FRAME_SIZE_ERROR, 'connection');
  rejects('000007 04 00 00000000 00010000100000', FRAME_SIZE_ERROR, 'connection');
});

test('§6.5: SETTINGS ACK with a payload → connection FRAME_SIZE_ERROR; empty ACK is fine', () => {
  rejects('000006 04 01 00000000 000100001000', FRAME_SIZE_ERROR, 'connection');
  assert.equal(accepts('000000 04 01 00000000'), { type: FrameType.SETTINGS, flags: 1, streamId: 0, ack: true, settings: [] });
});

test('§6.7: PING length ≠ 8 → connection FRAME_SIZE_ERROR', () => {
  rejects('000007 06 00 00000000 00000000000000', FRAME_SIZE_ERROR, 'connection');
  rejects('000009 06 00 00000000 000000000000000000', FRAME_SIZE_ERROR, 'connection');
});

test('§6.9: WINDOW_UPDATE length ≠ 4 → connection FRAME_SIZE_ERROR, on a stream too', () => {
  rejects('000003 08 00 00000001 000001', FRAME_SIZE_ERROR, 'connection');
  rejects('000005 08 00 00000000 0000000100', FRAME_SIZE_ERROR, 'connection');
});

test('§6.8: GOAWAY shorter than 8 → connection FRAME_SIZE_ERROR; exactly 8 is fine', () => {
  rejects('000007 07 00 00000000 00000000000000', FRAME_SIZE_ERROR, 'connection');
  const f = accepts('000008 07 00 00000000 00000005 0000000b');
  assert.ok(f.type === FrameType.GOAWAY && f.lastStreamId === 5 && f.errorCode === 0xb && f.debugData.length === 0);
});

test('§6.4: RST_STREAM length ≠ 4 → connection FRAME_SIZE_ERROR', () => {
  rejects('000003 03 00 00000001 000008', FRAME_SIZE_ERROR, 'connection');
  rejects('000005 03 00 00000001 0000000800', FRAME_SIZE_ERROR, 'connection');
});

test('§6.3: PRIORITY length ≠ 5 → stream FRAME_SIZE_ERROR on that stream', () => {
  rejects('000004 02 00 00000007 00000001', FRAME_SIZE_ERROR, 'stream', 7);
  rejects('000006 02 00 00000009 000000011000', FRAME_SIZE_ERROR, 'stream', 9);
});

test('§5.3.1: PRIORITY making a stream depend on itself → stream PROTOCOL_ERROR', () => {
  rejects('000005 02 00 00000007 8000000710', PROTOCOL_ERROR, 'stream', 7);
});

// ---- padding ----

test('§6.1: DATA padding ≥ payload length → connection PROTOCOL_ERROR; padding = length − 1 is fine', () => {
  rejects('000004 00 08 00000001 04000000', PROTOCOL_ERROR, 'connection');
  rejects('000001 00 08 00000001 01', PROTOCOL_ERROR, 'connection');
  const f = accepts('000004 00 08 00000001 03000000');
  assert.ok(f.type === FrameType.DATA && f.data.length === 0 && f.padLength === 3 && f.flowControlledLength === 4);
});

test('§6.1/§4.2: PADDED DATA with an empty payload (no Pad Length octet) → connection FRAME_SIZE_ERROR', () => {
  rejects('000000 00 08 00000001', FRAME_SIZE_ERROR, 'connection');
});

test('§6.2: HEADERS padding exceeding what is left for the fragment → connection PROTOCOL_ERROR', () => {
  rejects('000004 01 0c 00000001 04000000', PROTOCOL_ERROR, 'connection');
  // with PRIORITY: 1 + 5 + padding; padding 2 leaves -1
  rejects('000007 01 2c 00000001 02 0000000010 00', PROTOCOL_ERROR, 'connection');
  const f = accepts('000007 01 2c 00000001 01 0000000010 00');
  assert.ok(f.type === FrameType.HEADERS && f.fragment.length === 0 && f.padLength === 1 && f.priority?.weight === 17);
});

test('§6.2/§4.2: HEADERS too short for its Pad Length or priority fields → connection FRAME_SIZE_ERROR', () => {
  rejects('000000 01 0c 00000001', FRAME_SIZE_ERROR, 'connection');
  rejects('000004 01 24 00000001 00000000', FRAME_SIZE_ERROR, 'connection');
  rejects('000005 01 2c 00000001 0000000000', FRAME_SIZE_ERROR, 'connection');
});

test('§6.6: PUSH_PROMISE padding exceeding the room after the promised id → connection PROTOCOL_ERROR', () => {
  rejects('000006 05 0c 00000001 02 00000002 00', PROTOCOL_ERROR, 'connection');
  const f = accepts('000006 05 0c 00000001 01 00000002 00');
  assert.ok(f.type === FrameType.PUSH_PROMISE && f.fragment.length === 0 && f.padLength === 1);
});

test('§6.6/§4.2: PUSH_PROMISE too short for the promised stream id → connection FRAME_SIZE_ERROR', () => {
  rejects('000003 05 04 00000001 000002', FRAME_SIZE_ERROR, 'connection');
  rejects('000004 05 0c 00000001 00000002', FRAME_SIZE_ERROR, 'connection');
});

test('§6.6/§5.1.1: PUSH_PROMISE promising stream 0 or an odd stream → connection PROTOCOL_ERROR', () => {
  rejects('000004 05 04 00000001 00000000', PROTOCOL_ERROR, 'connection');
  rejects('000004 05 04 00000001 00000003', PROTOCOL_ERROR, 'connection');
});

// ---- SETTINGS values (§6.5.2) ----

const setting = (id: number, value: number) =>
  `000006 04 00 00000000 ${id.toString(16).padStart(4, '0')}${value.toString(16).padStart(8, '0')}`;

test('§6.5.2: SETTINGS_ENABLE_PUSH > 1 → connection PROTOCOL_ERROR; 0 and 1 fine', () => {
  rejects(setting(2, 2), PROTOCOL_ERROR, 'connection');
  accepts(setting(2, 0));
  accepts(setting(2, 1));
});

test('§6.5.2: SETTINGS_INITIAL_WINDOW_SIZE > 2^31−1 → connection FLOW_CONTROL_ERROR', () => {
  rejects(setting(4, 0x8000_0000), FLOW_CONTROL_ERROR, 'connection');
  rejects(setting(4, 0xffff_ffff), FLOW_CONTROL_ERROR, 'connection');
  accepts(setting(4, 0x7fff_ffff));
});

test('§6.5.2: SETTINGS_MAX_FRAME_SIZE outside [2^14, 2^24−1] → connection PROTOCOL_ERROR', () => {
  rejects(setting(5, 16_383), PROTOCOL_ERROR, 'connection');
  rejects(setting(5, 16_777_216), PROTOCOL_ERROR, 'connection');
  rejects(setting(5, 0), PROTOCOL_ERROR, 'connection');
  accepts(setting(5, 16_384));
  accepts(setting(5, 16_777_215));
});

test('RFC 8441 §3: SETTINGS_ENABLE_CONNECT_PROTOCOL > 1 → connection PROTOCOL_ERROR', () => {
  rejects(setting(8, 2), PROTOCOL_ERROR, 'connection');
  accepts(setting(8, 1));
});

test('RFC 9218 §2.1: SETTINGS_NO_RFC7540_PRIORITIES > 1 → connection PROTOCOL_ERROR', () => {
  rejects(setting(9, 2), PROTOCOL_ERROR, 'connection');
  accepts(setting(9, 1));
});

test('§6.5.2: unknown settings and unbounded known ones are kept in order with any value', () => {
  const f = accepts(
    '00001e 04 00 00000000 00ff ffffffff 0001 ffffffff 0003 00000000 0006 ffffffff 0000 00000001',
  );
  assert.ok(f.type === FrameType.SETTINGS);
  assert.equal(f.settings, [
    [0xff, 0xffff_ffff],
    [1, 0xffff_ffff],
    [3, 0],
    [6, 0xffff_ffff],
    [0, 1],
  ]);
  assert.is(settingError(0x77, 0xffff_ffff), null);
});

// ---- WINDOW_UPDATE (§6.9) ----

test('§6.9: WINDOW_UPDATE increment 0 on a stream → stream PROTOCOL_ERROR', () => {
  rejects('000004 08 00 00000003 00000000', PROTOCOL_ERROR, 'stream', 3);
  rejects('000004 08 00 00000003 80000000', PROTOCOL_ERROR, 'stream', 3); // reserved bit is not part of it
});

test('§6.9: WINDOW_UPDATE increment 0 on stream 0 → connection PROTOCOL_ERROR', () => {
  rejects('000004 08 00 00000000 00000000', PROTOCOL_ERROR, 'connection');
});

// ---- PRIORITY_UPDATE (RFC 9218 §7.1) ----

test('RFC 9218 §7.1: PRIORITY_UPDATE shorter than 4 → connection FRAME_SIZE_ERROR', () => {
  rejects('000003 10 00 00000000 000001', FRAME_SIZE_ERROR, 'connection');
});

test('RFC 9218 §7.1: PRIORITY_UPDATE for prioritized stream 0 → connection PROTOCOL_ERROR', () => {
  rejects('000004 10 00 00000000 00000000', PROTOCOL_ERROR, 'connection');
  const f = accepts('000007 10 00 00000000 00000001 753d31');
  assert.ok(f.type === FrameType.PRIORITY_UPDATE && f.prioritizedStreamId === 1 && f.fieldValue === 'u=1');
});

// ---- ALTSVC (RFC 7838 §4) ----

test('RFC 7838 §4: ALTSVC on stream 0 with an origin is used; with an empty origin it is flagged ignore', () => {
  const used = accepts('000006 0a 00 00000000 0001 61 683d31');
  assert.equal(used, { type: FrameType.ALTSVC, flags: 0, streamId: 0, origin: 'a', fieldValue: 'h=1', ignore: false });
  const ignored = accepts('000005 0a 00 00000000 0000 683d31');
  assert.ok(ignored.type === FrameType.ALTSVC && ignored.ignore);
});

test('RFC 7838 §4: ALTSVC on a stream is used without an origin, flagged ignore with one', () => {
  const used = accepts('000005 0a 00 00000003 0000 683d31');
  assert.ok(used.type === FrameType.ALTSVC && !used.ignore && used.origin === '' && used.fieldValue === 'h=1');
  const ignored = accepts('000003 0a 00 00000003 0001 61');
  assert.ok(ignored.type === FrameType.ALTSVC && ignored.ignore);
});

test('ALTSVC too short for Origin-Len or its origin → FRAME_SIZE_ERROR, connection on stream 0, stream otherwise', () => {
  rejects('000001 0a 00 00000000 00', FRAME_SIZE_ERROR, 'connection');
  rejects('000003 0a 00 00000000 0002 61', FRAME_SIZE_ERROR, 'connection');
  rejects('000000 0a 00 00000005', FRAME_SIZE_ERROR, 'stream', 5);
  rejects('000002 0a 00 00000005 0001', FRAME_SIZE_ERROR, 'stream', 5);
});

// ---- ORIGIN (RFC 8336 §2) ----

test('RFC 8336 §2: ORIGIN on stream 0 lists origins; entries may be empty', () => {
  const f = accepts('00000b 0c 00 00000000 0003 612e62 0000 0002 6364');
  assert.equal(f, { type: FrameType.ORIGIN, flags: 0, streamId: 0, origins: ['a.b', '', 'cd'], ignore: false });
});

test('RFC 8336 §2.1: ORIGIN on a stream other than 0 is flagged ignore, payload not even parsed', () => {
  const f = accepts('000003 0c 00 00000001 00ff61');
  assert.equal(f, { type: FrameType.ORIGIN, flags: 0, streamId: 1, origins: [], ignore: true });
});

test('RFC 8336 §2.1: ORIGIN with a flag among 0x1..0x8 is flagged ignore; other flags are not', () => {
  for (const flag of [0x1, 0x2, 0x4, 0x8]) {
    const f = accepts(`000003 0c ${flag.toString(16).padStart(2, '0')} 00000000 00ff61`);
    assert.ok(f.type === FrameType.ORIGIN && f.ignore && f.origins.length === 0);
  }
  const f = accepts('000003 0c 10 00000000 000161');
  assert.ok(f.type === FrameType.ORIGIN && !f.ignore && f.origins[0] === 'a');
});

test('ORIGIN on stream 0 with a truncated entry → connection FRAME_SIZE_ERROR', () => {
  rejects('000001 0c 00 00000000 00', FRAME_SIZE_ERROR, 'connection');
  rejects('000003 0c 00 00000000 000261', FRAME_SIZE_ERROR, 'connection');
});

// ---- helpers for the engine's stateful rules ----

test('priorityError: a HEADERS self-dependency is a stream PROTOCOL_ERROR (the decoder returns the frame)', () => {
  const f = accepts('000006 01 24 00000005 0000000510 ff');
  assert.ok(f.type === FrameType.HEADERS && f.priority?.dependency === 5);
  const e = priorityError(f.streamId, f.priority);
  assert.ok(e !== null && e.code === PROTOCOL_ERROR && e.scope === 'stream' && e.streamId === 5);
  assert.is(priorityError(5, undefined), null);
  assert.is(priorityError(5, { exclusive: false, dependency: 3, weight: 16 }), null);
});

test('fieldBlockSequenceError / openFieldBlockAfter: only CONTINUATION on the same stream inside a block', () => {
  const [headers, cont, cont2, data, unknown, contEnd] = decodeFrames(
    hex(
      '000001 01 00 00000001 aa' + // HEADERS without END_HEADERS
        '000001 09 00 00000001 bb' + // CONTINUATION on 1
        '000001 09 00 00000003 bb' + // CONTINUATION on 3
        '000001 00 00 00000001 cc' + // DATA
        '000000 ee 00 00000000' + // unknown type
        '000000 09 04 00000001', // CONTINUATION with END_HEADERS
    ),
  ) as Frame[];
  let open = 0;
  assert.is(fieldBlockSequenceError(open, headers!), null);
  open = openFieldBlockAfter(open, headers!);
  assert.is(open, 1);
  assert.is(fieldBlockSequenceError(open, cont!), null);
  for (const bad of [cont2!, data!, unknown!]) {
    const e = fieldBlockSequenceError(open, bad);
    assert.ok(e !== null && e.code === PROTOCOL_ERROR && e.scope === 'connection', String(e?.message));
  }
  assert.match(fieldBlockSequenceError(open, unknown!)!.message, /UNKNOWN_0xee on stream 0 inside the field block of stream 1/);
  assert.is(openFieldBlockAfter(open, cont!), 1);
  assert.is(openFieldBlockAfter(open, data!), 1);
  open = openFieldBlockAfter(open, contEnd!);
  assert.is(open, 0);
  assert.is(fieldBlockSequenceError(0, data!), null);
  const stray = fieldBlockSequenceError(0, contEnd!);
  assert.ok(stray !== null && stray.code === PROTOCOL_ERROR && stray.scope === 'connection');
});

test.run();
