// "http2" section 6 of RFC 7540: the rules of each frame type.
import { ErrorCode, FrameType, SettingId, MAX_WINDOW_SIZE, Flag, errorCodeName } from '@strand/frame';
import { CaseFailure, CaseSkipped } from '../client.js';
import { describeFrame } from '../events.js';
import * as wire from '../wire.js';
import {
  blockInterruptedByHeaders,
  blockInterruptedByPriority,
  connectionErrorCase,
  openHeaderBlock,
  pingAnsweredCase,
  responseCase,
  streamErrorCase,
  TOP_PRIORITY,
} from './helpers.js';
import { type CaseContext, type SectionSpec, PING_DATA } from './types.js';

/** A frame written octet by octet (`payload` as a binary string or bytes), however malformed. */
function rawFrame(type: number, flags: number, streamId: number, payload: string | Uint8Array): Uint8Array {
  return wire.frame(type, flags, streamId, typeof payload === 'string' ? wire.bytes(payload) : payload);
}

/** One SETTINGS parameter with an illegal value: connection error `code`. */
function badSetting(title: string, id: number, value: number, code: number): SectionSpec['cases'][number] {
  return connectionErrorCase(title, `The server MUST treat it as a connection error ${errorCodeName(code)}.`, (t) => t.conn.sendSettings([id, value]), code);
}

/** A frame sent raw after the handshake (`payload` as a binary string): connection error `code`. */
function badFrame(title: string, requirement: string, frame: Uint8Array, code: number): SectionSpec['cases'][number] {
  return connectionErrorCase(title, requirement, (t) => t.conn.send(frame), code);
}

const NOT_A_STREAM = (what: string) => `${what} must belong to a stream: connection error PROTOCOL_ERROR.`;
const ON_STREAM_0 = (what: string) => `${what} must use stream 0: connection error PROTOCOL_ERROR.`;
const INTERRUPTED = 'A header block without END_HEADERS must be followed by CONTINUATION: connection error PROTOCOL_ERROR.';
const MISPLACED = 'CONTINUATION must follow HEADERS/CONTINUATION without END_HEADERS: connection error PROTOCOL_ERROR.';

/** Skips when the server's response body is shorter than `octets` (flow-control cases need a body). */
async function needBody(t: CaseContext, octets: number): Promise<void> {
  if ((await t.serverBodyLength()) < octets) throw new CaseSkipped(`response body shorter than ${octets} octet(s)`);
}

/** Applies SETTINGS_INITIAL_WINDOW_SIZE and waits until the server acknowledged it. */
async function setInitialWindow(t: CaseContext, ...values: number[]): Promise<void> {
  t.conn.sendSettings(...values.map((v) => [SettingId.INITIAL_WINDOW_SIZE, v] as const));
  await t.conn.expectSettingsAck();
}

export const http2FrameSections: SectionSpec[] = [
  { spec: 'http2', section: '6', name: 'Frame Definitions', cases: [] },
  {
    spec: 'http2',
    section: '6.1',
    name: 'DATA',
    cases: [
      connectionErrorCase('DATA on stream 0', NOT_A_STREAM('DATA'), (t) => t.conn.sendData(0, true, 'test'), ErrorCode.PROTOCOL_ERROR),
      streamErrorCase(
        'DATA on a stream that is not open',
        'DATA outside "open"/"half-closed (local)" is a stream error STREAM_CLOSED.',
        (t) => {
          t.conn.sendHeaders(1, t.request('POST'));
          t.conn.sendData(1, true, 'test');
        },
        ErrorCode.STREAM_CLOSED,
      ),
      connectionErrorCase(
        'DATA whose pad length exceeds the payload',
        'Padding as long as the payload or longer is a connection error PROTOCOL_ERROR.',
        (t) => {
          t.conn.sendHeaders(1, [...t.request('POST'), ['content-length', '4']], { endStream: false });
          t.conn.send(rawFrame(FrameType.DATA, Flag.PADDED | Flag.END_STREAM, 1, '\x06Test'));
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.2',
    name: 'HEADERS',
    cases: [
      connectionErrorCase('header block interrupted by PRIORITY', INTERRUPTED, blockInterruptedByPriority, ErrorCode.PROTOCOL_ERROR),
      connectionErrorCase('header block interrupted by HEADERS on another stream', INTERRUPTED, blockInterruptedByHeaders, ErrorCode.PROTOCOL_ERROR),
      connectionErrorCase('HEADERS on stream 0', NOT_A_STREAM('HEADERS'), (t) => t.conn.sendHeaders(0, t.request()), ErrorCode.PROTOCOL_ERROR),
      streamErrorCase(
        'HEADERS whose pad length exceeds the payload',
        'Padding longer than the remaining payload is a PROTOCOL_ERROR.',
        (t) => {
          const block = t.conn.encodeHeaders(t.request());
          const flags = Flag.PADDED | Flag.END_HEADERS | Flag.END_STREAM;
          t.conn.send(rawFrame(FrameType.HEADERS, flags, 1, wire.concat(Uint8Array.of(block.length + 2), block)));
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.3',
    name: 'PRIORITY',
    cases: [
      badFrame('PRIORITY on stream 0', NOT_A_STREAM('PRIORITY'), wire.priorityFrame(0, TOP_PRIORITY), ErrorCode.PROTOCOL_ERROR),
      streamErrorCase(
        'PRIORITY frame 4 octets long',
        'A PRIORITY frame not 5 octets long is a stream error FRAME_SIZE_ERROR.',
        (t) => {
          t.conn.sendHeaders(1, t.request());
          t.conn.send(rawFrame(FrameType.PRIORITY, 0, 1, '\x80\x00\x00\x01'));
        },
        ErrorCode.FRAME_SIZE_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.4',
    name: 'RST_STREAM',
    cases: [
      badFrame('RST_STREAM on stream 0', NOT_A_STREAM('RST_STREAM'), wire.rstStreamFrame(0, ErrorCode.CANCEL), ErrorCode.PROTOCOL_ERROR),
      badFrame(
        'RST_STREAM on an idle stream',
        'RST_STREAM for an idle stream is a connection error PROTOCOL_ERROR.',
        wire.rstStreamFrame(1, ErrorCode.CANCEL),
        ErrorCode.PROTOCOL_ERROR,
      ),
      streamErrorCase(
        'RST_STREAM frame 3 octets long',
        'A RST_STREAM frame not 4 octets long draws FRAME_SIZE_ERROR.',
        (t) => {
          t.conn.sendHeaders(1, t.request());
          t.conn.send(rawFrame(FrameType.RST_STREAM, 0, 1, '\x00\x00\x00'));
        },
        ErrorCode.FRAME_SIZE_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.5',
    name: 'SETTINGS',
    cases: [
      badFrame(
        'SETTINGS ACK with a payload',
        'A SETTINGS ACK with a payload is a connection error FRAME_SIZE_ERROR.',
        rawFrame(FrameType.SETTINGS, Flag.ACK, 0, '\x00'),
        ErrorCode.FRAME_SIZE_ERROR,
      ),
      badFrame('SETTINGS on stream 1', ON_STREAM_0('SETTINGS'), rawFrame(FrameType.SETTINGS, 0, 1, '\x00\x03\x00\x00\x00\x64'), ErrorCode.PROTOCOL_ERROR),
      streamErrorCase(
        'SETTINGS frame 3 octets long',
        'A SETTINGS length that is not a multiple of 6 is a FRAME_SIZE_ERROR (or PROTOCOL_ERROR).',
        (t) => t.conn.send(rawFrame(FrameType.SETTINGS, 0, 0, '\x00\x03\x00')),
        ErrorCode.PROTOCOL_ERROR,
        ErrorCode.FRAME_SIZE_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.5.2',
    name: 'Defined SETTINGS Parameters',
    cases: [
      badSetting('SETTINGS_ENABLE_PUSH set to 2', SettingId.ENABLE_PUSH, 2, ErrorCode.PROTOCOL_ERROR),
      badSetting('SETTINGS_INITIAL_WINDOW_SIZE set to 2^31', SettingId.INITIAL_WINDOW_SIZE, 2 ** 31, ErrorCode.FLOW_CONTROL_ERROR),
      badSetting('SETTINGS_MAX_FRAME_SIZE set to 2^14-1', SettingId.MAX_FRAME_SIZE, 16_383, ErrorCode.PROTOCOL_ERROR),
      badSetting('SETTINGS_MAX_FRAME_SIZE set to 2^24', SettingId.MAX_FRAME_SIZE, 16_777_216, ErrorCode.PROTOCOL_ERROR),
      pingAnsweredCase('SETTINGS with an unknown identifier', 'Unknown settings MUST be ignored.', (t) => t.conn.sendSettings([0xff, 1])),
    ],
  },
  {
    spec: 'http2',
    section: '6.5.3',
    name: 'Settings Synchronization',
    cases: [
      {
        title: 'two INITIAL_WINDOW_SIZE values in one SETTINGS (100, then 1)',
        requirement: 'Values are processed in order: the last one (1) sets the window, so DATA is 1 octet.',
        async run(t) {
          await needBody(t, 1);
          await setInitialWindow(t, 100, 1);
          t.conn.sendHeaders(1, t.request());
          await t.conn.expectDataLength(1, 1);
        },
      },
      {
        title: 'SETTINGS is acknowledged',
        requirement: 'The server MUST answer SETTINGS with a SETTINGS ACK.',
        async run(t) {
          t.conn.sendSettings([SettingId.ENABLE_PUSH, 0]);
          await t.conn.expectSettingsAck();
        },
      },
    ],
  },
  {
    spec: 'http2',
    section: '6.7',
    name: 'PING',
    cases: [
      pingAnsweredCase('PING is echoed with ACK', 'A PING MUST be answered by a PING ACK with identical payload.', () => {}, PING_DATA),
      {
        title: 'PING ACK is not answered',
        requirement: 'A PING ACK MUST NOT be answered; only the following PING is.',
        async run(t) {
          t.conn.sendPing(wire.ascii('invalid!'), true);
          t.conn.sendPing(PING_DATA);
          await t.conn.expectPing(PING_DATA);
        },
      },
      badFrame('PING on stream 1', ON_STREAM_0('PING'), rawFrame(FrameType.PING, 0, 1, new Uint8Array(8)), ErrorCode.PROTOCOL_ERROR),
      badFrame(
        'PING frame 6 octets long',
        'A PING not 8 octets long is a connection error FRAME_SIZE_ERROR.',
        rawFrame(FrameType.PING, 0, 0, new Uint8Array(6)),
        ErrorCode.FRAME_SIZE_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.8',
    name: 'GOAWAY',
    cases: [badFrame('GOAWAY on stream 1', ON_STREAM_0('GOAWAY'), rawFrame(FrameType.GOAWAY, 0, 1, new Uint8Array(8)), ErrorCode.PROTOCOL_ERROR)],
  },
  {
    spec: 'http2',
    section: '6.9',
    name: 'WINDOW_UPDATE',
    cases: [
      badFrame(
        'WINDOW_UPDATE of 0 for the connection',
        'A zero increment on the connection is a connection error PROTOCOL_ERROR.',
        wire.windowUpdateFrame(0, 0),
        ErrorCode.PROTOCOL_ERROR,
      ),
      streamErrorCase(
        'WINDOW_UPDATE of 0 for a stream',
        'A zero increment on a stream is a stream error PROTOCOL_ERROR.',
        (t) => {
          t.conn.sendHeaders(1, t.request(), { endStream: false });
          t.conn.send(wire.windowUpdateFrame(1, 0));
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
      badFrame(
        'WINDOW_UPDATE frame 3 octets long',
        'A WINDOW_UPDATE not 4 octets long is a connection error FRAME_SIZE_ERROR.',
        rawFrame(FrameType.WINDOW_UPDATE, 0, 0, '\x00\x00\x01'),
        ErrorCode.FRAME_SIZE_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.9.1',
    name: 'The Flow-Control Window',
    cases: [
      {
        title: 'initial window of 1 limits the response DATA to 1 octet',
        requirement: 'The server MUST NOT send more than the flow-control window allows.',
        async run(t) {
          await needBody(t, 1);
          await setInitialWindow(t, 1);
          t.conn.sendHeaders(1, t.request());
          await t.conn.expectDataLength(1, 1);
        },
      },
      {
        title: 'connection window pushed above 2^31-1',
        requirement: 'Overflowing the connection window MUST draw GOAWAY FLOW_CONTROL_ERROR.',
        async run(t) {
          t.conn.send(wire.windowUpdateFrame(0, MAX_WINDOW_SIZE));
          t.conn.send(wire.windowUpdateFrame(0, MAX_WINDOW_SIZE));
          const goaway = await t.conn.waitForFrame(FrameType.GOAWAY);
          if (goaway.errorCode !== ErrorCode.FLOW_CONTROL_ERROR) throw new CaseFailure(['GOAWAY frame (error:FLOW_CONTROL_ERROR)'], describeFrame(goaway));
        },
      },
      {
        title: 'stream window pushed above 2^31-1',
        requirement: 'Overflowing a stream window MUST draw RST_STREAM FLOW_CONTROL_ERROR.',
        async run(t) {
          t.conn.sendHeaders(1, t.request(), { endStream: false });
          t.conn.send(wire.windowUpdateFrame(1, MAX_WINDOW_SIZE));
          t.conn.send(wire.windowUpdateFrame(1, MAX_WINDOW_SIZE));
          const rst = await t.conn.waitForFrame(FrameType.RST_STREAM);
          if (rst.streamId === 1 && rst.errorCode !== ErrorCode.FLOW_CONTROL_ERROR)
            throw new CaseFailure(['RST_STREAM frame (error:FLOW_CONTROL_ERROR)'], describeFrame(rst));
        },
      },
    ],
  },
  {
    spec: 'http2',
    section: '6.9.2',
    name: 'Initial Flow-Control Window Size',
    cases: [
      {
        title: 'INITIAL_WINDOW_SIZE raised from 0 to 1 after the request',
        requirement: 'A settings change MUST adjust open stream windows: DATA of 1 octet follows.',
        async run(t) {
          await needBody(t, 1);
          await setInitialWindow(t, 0);
          t.conn.sendHeaders(1, t.request());
          t.conn.sendSettings([SettingId.INITIAL_WINDOW_SIZE, 1]);
          await t.conn.expectDataLength(1, 1);
        },
      },
      {
        title: 'INITIAL_WINDOW_SIZE lowered so a stream window goes negative',
        requirement: 'The server MUST track a negative window: after +2 only 1 octet may follow.',
        async run(t) {
          await needBody(t, 5);
          await setInitialWindow(t, 3);
          t.conn.sendHeaders(1, t.request());
          await t.conn.waitForFrame(FrameType.DATA);
          await setInitialWindow(t, 2);
          t.conn.send(wire.windowUpdateFrame(1, 2));
          await t.conn.expectDataLength(1, 1);
        },
      },
      badFrame(
        'INITIAL_WINDOW_SIZE of 2^31 sent as raw SETTINGS',
        'A window size above 2^31-1 is a connection error FLOW_CONTROL_ERROR.',
        rawFrame(FrameType.SETTINGS, 0, 0, '\x00\x04\x80\x00\x00\x00'),
        ErrorCode.FLOW_CONTROL_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '6.10',
    name: 'CONTINUATION',
    cases: [
      responseCase('header block spread over HEADERS + two CONTINUATIONs', 'Any number of CONTINUATION frames may follow HEADERS.', (t) => {
        openHeaderBlock(t, true);
        t.conn.sendContinuation(1, false, t.filler(1));
        t.conn.sendContinuation(1, true, t.filler(1));
      }),
      connectionErrorCase(
        'header block interrupted by DATA',
        INTERRUPTED,
        (t) => {
          openHeaderBlock(t, false, 'POST');
          t.conn.sendContinuation(1, false, t.filler(1));
          t.conn.sendData(1, true, 'test');
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
      connectionErrorCase(
        'CONTINUATION on stream 0',
        NOT_A_STREAM('CONTINUATION'),
        (t) => {
          openHeaderBlock(t, true);
          t.conn.sendContinuation(0, true, t.filler(1));
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
      connectionErrorCase(
        'CONTINUATION after a complete HEADERS',
        MISPLACED,
        (t) => {
          t.conn.sendHeaders(1, t.request());
          t.conn.sendContinuation(1, true, t.filler(1));
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
      connectionErrorCase(
        'CONTINUATION after a CONTINUATION that ended the block',
        MISPLACED,
        (t) => {
          openHeaderBlock(t, true);
          t.conn.sendContinuation(1, true, t.filler(1));
          t.conn.sendContinuation(1, true, t.filler(1));
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
      connectionErrorCase(
        'CONTINUATION after DATA',
        MISPLACED,
        (t) => {
          openHeaderBlock(t, false, 'POST');
          t.conn.sendData(1, true, 'test');
          t.conn.sendContinuation(1, false, t.filler(1));
          t.conn.sendContinuation(0, true, t.filler(1));
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
];
